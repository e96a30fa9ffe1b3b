package io.videopipeline.app;

import io.videopipeline.console.ConsoleApi;
import io.videopipeline.console.ConsoleEvents;
import io.videopipeline.console.ConsoleResponse;
import io.videopipeline.console.ConsoleStatic;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What of the console is served by Vert.x handlers on Camel's platform-http router rather than by the REST routes:
 * the page's files ({@link ConsoleStatic}) and the event stream {@code GET /api/events}. A stream stays open for as
 * long as the page does; as a Camel exchange it would hold a worker thread per browser (and Camel's InputStream
 * responses are read one at a time per event loop), so each stream is a chunked response written whenever
 * {@link ConsoleEvents} has an event. The same {@link io.videopipeline.console.ConsoleGuard} checks it.
 */
public final class ConsoleHttp {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleHttp.class);

    private ConsoleHttp() {
    }

    /** Once the server runs: tells the guard its port and adds the handlers. */
    public static void install(CamelContext camel, ConsoleApi api, ConsoleEvents events, ConsoleStatic files) {
        MainHttpServer server = camel.hasService(MainHttpServer.class);
        if (server == null) {
            throw new IllegalStateException("the console is on but Camel's HTTP server is not (camel.server.enabled)");
        }
        VertxPlatformHttpRouter router = server.getRouter();
        int port = router.getServer().getPort();
        api.guard().bound(port);
        router.get("/api/events").order(-1).handler(ctx -> stream(ctx, api, events));
        router.getWithRegex("/(?!api(/|$))[^?]*").order(-1).handler(ctx -> page(ctx, files));
        LOG.info("Web console on http://{}:{}/", server.getHost(), port);
    }

    private static void stream(RoutingContext ctx, ConsoleApi api, ConsoleEvents events) {
        ConsoleResponse refused = api.refusal("GET", ctx.request().getHeader(HttpHeaders.AUTHORIZATION),
                ctx.request().getHeader(HttpHeaders.ORIGIN), ctx.request().absoluteURI(), null);
        HttpServerResponse response = ctx.response();
        if (refused != null) {
            response.setStatusCode(refused.status()).putHeader(HttpHeaders.CONTENT_TYPE, ConsoleResponse.CONTENT_TYPE)
                    .end(refused.json());
            return;
        }
        response.setChunked(true).setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no"); // nginx in front: pass each event at once
        response.write(": connected\n\n");
        AutoCloseable registration = events.open(text -> {
            if (response.closed() || response.ended()) {
                throw new IllegalStateException("stream closed");
            }
            response.write(text);
        });
        response.closeHandler(v -> close(registration));
        response.endHandler(v -> close(registration));
    }

    private static void page(RoutingContext ctx, ConsoleStatic files) {
        String path = ctx.normalizedPath();
        HttpServerResponse response = ctx.response()
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer"); // presigned URLs never leave in a Referer
        files.find(path.substring(1)).ifPresentOrElse(
                file -> response.putHeader(HttpHeaders.CONTENT_TYPE, file.contentType())
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                        .end(io.vertx.core.buffer.Buffer.buffer(file.bytes())),
                () -> response.setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .end("not found\n"));
    }

    private static void close(AutoCloseable registration) {
        try {
            registration.close();
        } catch (Exception e) {
            // removing from a set does not fail
        }
    }
}
