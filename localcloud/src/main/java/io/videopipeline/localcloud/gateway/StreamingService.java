package io.videopipeline.localcloud.gateway;

import java.io.IOException;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** A service that streams its requests and responses itself (S3: objects are never read whole). */
@FunctionalInterface
public interface StreamingService {

    /**
     * @param bufferedBody the body when the gateway already had to read it to route the request, else null
     *                     (then the request's content is still unread)
     */
    void handle(Request request, Response response, Callback callback, byte[] bufferedBody) throws IOException;
}
