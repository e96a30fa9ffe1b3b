package io.videopipeline.localcloud.gateway;

import java.io.IOException;
import java.net.URI;

import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP server of the local cloud's one endpoint. Its port is bound first ({@link #bind}), so that the services
 * behind it can be told the endpoint (ElasticMQ puts it in queue URLs); it serves requests once they all run
 * ({@link #serve}).
 */
public final class GatewayServer {

    private final Server server;
    private final ServerConnector connector;
    private final URI endpoint;

    private GatewayServer(Server server, ServerConnector connector, URI endpoint) {
        this.server = server;
        this.connector = connector;
        this.endpoint = endpoint;
    }

    /** Binds the port (0 picks a free one); nothing is served yet. */
    public static GatewayServer bind(String bindAddress, int port) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(256, 8);
        threads.setName("localcloud-gateway");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        http.setRequestHeaderSize(32 * 1024);
        http.setOutputBufferSize(64 * 1024);
        // Jetty's header cache would return "text/plain; charset=utf-8" for "...charset=UTF-8": header values
        // must reach S3Proxy exactly as the client signed them.
        http.setHeaderCacheCaseSensitive(true);
        // S3 keys may contain anything (encoded slashes, "..", "//"); S3Proxy sees the path as sent.
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(bindAddress);
        connector.setPort(port);
        connector.setIdleTimeout(120_000);
        server.addConnector(connector);
        server.setStopTimeout(0);
        connector.open();
        String publicHost = "0.0.0.0".equals(bindAddress) || "::".equals(bindAddress) ? "127.0.0.1" : bindAddress;
        URI endpoint = URI.create("http://" + (publicHost.contains(":") ? "[" + publicHost + "]" : publicHost) + ":"
                + connector.getLocalPort());
        return new GatewayServer(server, connector, endpoint);
    }

    /** The endpoint URL every AWS client uses, e.g. {@code http://127.0.0.1:4566}. */
    public URI endpoint() {
        return endpoint;
    }

    /** Starts answering requests with {@code gateway}. */
    public void serve(Gateway gateway) throws Exception {
        server.setHandler(gateway);
        server.start();
    }

    /** Stops serving (in-flight requests are cut) and frees the port. */
    public void stop() throws Exception {
        try {
            server.stop();
        } finally {
            // A connector opened but never started is not closed by the server's stop.
            connector.close();
        }
    }
}
