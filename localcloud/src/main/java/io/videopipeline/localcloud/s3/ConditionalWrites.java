package io.videopipeline.localcloud.s3;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

import io.videopipeline.localcloud.gateway.HttpRequests;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * Makes a conditional PutObject ({@code If-Match}, {@code If-None-Match}) atomic, as it is on S3. S3Proxy checks the
 * condition and then writes, so two racing creates of one key both passed the check and both "won"; here the
 * conditional writes of one object run one after the other, each from its check until S3Proxy has answered it.
 * Not until the whole exchange is over: a client told 412 before it sent its body may never send it (HTTP lets it),
 * and would otherwise hold up every other writer of the object until the connection's idle timeout. Unconditional
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
     * Runs {@code write} once every earlier conditional write of the same object has been answered. The write is
     * given the callback to complete and a hook to run as soon as its answer is known; the next write starts then,
     * or when the callback completes, whichever comes first.
     *
     * <p>The next write in line starts on {@code executor}, after this one is answered: started where that is
     * noticed it would run on the HTTP client's thread, nested in the previous exchange, and a line of
     * racing writers would nest that deep.
     *
     * @param object   the object's path ({@code /bucket/key}, path-style as the pipeline's clients use)
     * @param executor the server's threads
     */
    void inTurn(String object, Executor executor, BiConsumer<Callback, Runnable> write, Callback callback) {
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
                }), () -> release(object, mine));
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

    /** Lets the next write of the object go; a second call does nothing. */
    private void release(String object, CompletableFuture<Void> mine) {
        inFlight.remove(object, mine);
        mine.complete(null);
    }
}
