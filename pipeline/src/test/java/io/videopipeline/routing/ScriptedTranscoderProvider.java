package io.videopipeline.routing;

import io.videopipeline.media.RenditionMetadata;
import io.videopipeline.transcode.ExistingOutputs;
import io.videopipeline.media.SourceMissingException;
import io.videopipeline.media.TranscodeFailedException;
import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeOutput;
import io.videopipeline.transcode.TranscodeResult;
import io.videopipeline.transcode.Transcoder;
import io.videopipeline.transcode.TranscoderProvider;
import io.videopipeline.transcode.TranscoderSettings;
import io.videopipeline.media.UnusableSourceException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code pipeline.transcoder=scripted} (test classpath only): a transcoder whose outcome the upload's bytes decide,
 * so the routing around it (records, retries, dead letters) is tested on the real local cloud without ffmpeg's
 * cost. It reads the source through S3 like the real one and keeps the same idempotency rule
 * ({@link ExistingOutputs}: outputs with this source's ETag are not written again).
 * <ul>
 *   <li>{@code good}: writes the job's outputs (a few bytes each) with {@code source-etag};</li>
 *   <li>{@code bad}: a permanent failure ({@link UnusableSourceException}), as for bytes that are no video;</li>
 *   <li>{@code flaky}: a transient failure the first time its key is transcoded, then as {@code good};</li>
 *   <li>no object: {@link SourceMissingException}, as the real backend throws.</li>
 * </ul>
 * {@link #WRITES} counts, per source key, the jobs that actually wrote outputs.
 */
public final class ScriptedTranscoderProvider implements TranscoderProvider {
    public static final Map<String, AtomicInteger> WRITES = new ConcurrentHashMap<>();
    public static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    /** How many jobs of this source key wrote outputs. */
    public static int writes(String key) {
        AtomicInteger n = WRITES.get(key);
        return n == null ? 0 : n.get();
    }

    /** How many times a job of this source key was started. */
    public static int calls(String key) {
        AtomicInteger n = CALLS.get(key);
        return n == null ? 0 : n.get();
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public Transcoder create(S3Client s3, TranscoderSettings settings) {
        return job -> run(s3, job);
    }

    private static TranscodeResult run(S3Client s3, TranscodeJob job) {
        int call = CALLS.computeIfAbsent(job.inputKey(), k -> new AtomicInteger()).incrementAndGet();
        String script;
        try {
            script = s3.getObjectAsBytes(b -> b.bucket(job.inputBucket()).key(job.inputKey())).asString(StandardCharsets.UTF_8);
        } catch (NoSuchKeyException e) {
            throw new SourceMissingException(job.inputKey() + " does not exist", job.inputBucket(), job.inputKey(), e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new SourceMissingException(job.inputKey() + " does not exist", job.inputBucket(), job.inputKey(), e);
            }
            throw e;
        }
        if (script.startsWith("bad")) {
            throw new UnusableSourceException("scripted: not a readable video", job.inputBucket(), job.inputKey(),
                    List.of(), null);
        }
        if (script.startsWith("flaky") && call == 1) {
            throw new TranscodeFailedException("scripted: transient failure on the first try", job.inputBucket(),
                    job.inputKey(), null);
        }
        if (ExistingOutputs.allWrittenFor(s3, job, job.outputBucket())) {
            return new TranscodeResult("scripted", "scripted-" + call, List.of(), true);
        }
        List<String> written = new ArrayList<>();
        for (TranscodeOutput output : job.outputs()) {
            s3.putObject(b -> b.bucket(job.outputBucket()).key(output.key()).contentType("video/mp4")
                    .metadata(Map.of(RenditionMetadata.SOURCE_ETAG, job.inputETag() == null ? "" : job.inputETag())),
                    RequestBody.fromString("rendition of " + job.inputKey()));
            written.add(output.key());
        }
        WRITES.computeIfAbsent(job.inputKey(), k -> new AtomicInteger()).incrementAndGet();
        return new TranscodeResult("scripted", "scripted-" + call, written, false);
    }
}
