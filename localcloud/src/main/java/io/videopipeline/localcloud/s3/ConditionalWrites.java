package io.videopipeline.localcloud.s3;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.videopipeline.localcloud.gateway.HttpRequests;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * Makes a conditional PutObject ({@code If-Match}, {@code If-None-Match}) atomic, as it is on S3. S3Proxy checks the
 * condition and then writes, so two racing creates of one key both passed the check and both "won"; here the
 * conditional writes of one object run one after the other, each from its check to its response. Unconditional
 * writes are not held back: on S3 too they may land between another client's read and its conditional write,
 * which is exactly what the condition then catches.
 */
final class ConditionalWrites {

    /** The last conditional write of each object in flight; completes when its response is done. */
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    /** A PutObject with a condition; an UploadPart ({@code ?uploadId=}) has none of its own. */
    static boolean isConditionalPut(Request request) {
        return "PUT".equals(request.getMethod()) && !HttpRequests.hasQueryParam(request.getHttpURI(), "uploadId")
                && (request.getHeaders().contains("If-Match") || request.getHeaders().contains("If-None-Match"));
    }

    /**
     * Runs {@code write} once every earlier conditional write of the same object has answered.
     *
     * <p>The next write in line starts on {@code executor}, after this one's response is done: started inside the
     * completion callback it would run on the HTTP client's thread, nested in the previous exchange, and a line of
     * racing writers would nest that deep.
     *
     * @param object   the object's path ({@code /bucket/key}, path-style as the pipeline's clients use)
     * @param executor the server's threads
     */
    void inTurn(String object, Executor executor, Consumer<Callback> write, Callback callback) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> before = inFlight.put(object, mine);
        Runnable run = () -> {
            try {
                write.accept(Callback.from(() -> {
                    try {
                        callback.succeeded();
                    } finally {
                        release(object, mine);
                    }
                }, failure -> {
                    try {
                        callback.failed(failure);
                    } finally {
                        release(object, mine);
                    }
                }));
            } catch (RuntimeException e) {
                release(object, mine);
                callback.failed(e);
            }
        };
        if (before == null) {
            run.run();
        } else {
            before.whenCompleteAsync((ignored, failure) -> run.run(), executor);
        }
    }

    private void release(String object, CompletableFuture<Void> mine) {
        inFlight.remove(object, mine);
        mine.complete(null);
    }
}
