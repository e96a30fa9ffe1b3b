package io.videopipeline.localcloud.gateway;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** What every service behind the gateway reads from a request: query and form parameters, a bounded body. */
public final class HttpRequests {

    private static final int MAX_API_BODY = 4 * 1024 * 1024;

    /** Headers of one connection, never passed on to a back end. */
    public static final Set<HttpHeader> HOP_HEADERS = EnumSet.of(HttpHeader.CONNECTION, HttpHeader.KEEP_ALIVE,
            HttpHeader.PROXY_AUTHORIZATION, HttpHeader.PROXY_AUTHENTICATE, HttpHeader.PROXY_CONNECTION,
            HttpHeader.TRANSFER_ENCODING, HttpHeader.TE, HttpHeader.TRAILER, HttpHeader.UPGRADE, HttpHeader.EXPECT);

    private HttpRequests() {
    }

    public static boolean hasQueryParam(HttpURI uri, String name) {
        return queryParam(uri, name) != null;
    }

    /** The first value of a raw query parameter (percent-decoded), or null. */
    public static String queryParam(HttpURI uri, String name) {
        if (uri.getQuery() == null) {
            return null;
        }
        for (String[] param : SigV4Verifier.queryParams(uri.getQuery())) {
            if (param[0].equals(name)) {
                return param[1];
            }
        }
        return null;
    }

    /** Query string and form body parameters (form encoding: {@code +} is a space). */
    public static Map<String, String> formParams(HttpURI uri, byte[] body) {
        Map<String, String> params = new LinkedHashMap<>();
        addForm(params, uri.getQuery());
        if (body != null && body.length > 0) {
            addForm(params, new String(body, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static void addForm(Map<String, String> params, String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
    }

    /** An API call's body over the limit every API call has (objects are streamed, never read whole). */
    public static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(String message) {
            super(message);
        }
    }

    /** The whole body of an API call. @throws BodyTooLargeException over 4 MiB */
    public static byte[] readBody(Request request) throws IOException {
        long length = request.getLength();
        if (length > MAX_API_BODY) {
            throw new BodyTooLargeException("Request body of " + length + " bytes exceeds the " + MAX_API_BODY + " byte limit of API calls");
        }
        try {
            return Content.Source.asByteArrayAsync(request, MAX_API_BODY).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while reading the request body", e);
        } catch (ExecutionException e) {
            throw new IOException("Could not read the request body: " + e.getCause(), e.getCause());
        }
    }
}
