package io.videopipeline.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.failure.AwsErrors;
import io.videopipeline.s3.S3Objects;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Uploads from the browser straight to the upload bucket, as the book's page did with a signed policy, but in parts:
 * the runner starts a multipart upload and presigns one UploadPart PUT per part; the browser sends the parts (in
 * parallel, retrying one that fails) and reads each part's ETag (the bucket's CORS rule exposes it); the runner then
 * completes or aborts. The runner never sees a byte of the video, so a multi-gigabyte file costs it nothing.
 * Completing the upload is what S3 notifies: transcode-video takes it from there as any other upload.
 */
public final class BrowserUploads {

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final ConsoleKeys keys;
    private final ConsoleSettings settings;

    public BrowserUploads(S3Client s3, S3Presigner presigner, String uploadBucket, ConsoleKeys keys,
                          ConsoleSettings settings) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = uploadBucket;
        this.keys = keys;
        this.settings = settings;
    }

    /** The part size for {@code size} bytes: the setting, raised (in whole MiB) until 10,000 parts hold it. */
    long partSize(long size) {
        long part = settings.partSizeBytes();
        long mib = 1024 * 1024;
        if ((size + part - 1) / part > ConsoleSettings.MAX_PARTS) {
            long needed = (size + ConsoleSettings.MAX_PARTS - 1) / ConsoleSettings.MAX_PARTS;
            part = (needed + mib - 1) / mib * mib;
        }
        return part;
    }

    public ObjectNode start(JsonNode body) {
        String key = keys.upload(text(body, "key"));
        JsonNode sizeNode = body.get("size");
        if (sizeNode == null || !sizeNode.canConvertToLong() || !sizeNode.isIntegralNumber() || sizeNode.asLong() < 1) {
            throw ConsoleError.badRequest("size must be the file's size in bytes (1 or more)");
        }
        long size = sizeNode.asLong();
        if (size > settings.maxUploadBytes()) {
            throw ConsoleError.badRequest("the file is " + size + " bytes; uploads are at most "
                    + settings.maxUploadBytes() + " (pipeline.transcode.max-input-mb)");
        }
        String contentType = body.hasNonNull("contentType") && !body.get("contentType").asText().isBlank()
                ? body.get("contentType").asText() : "application/octet-stream";
        if (contentType.length() > 200 || contentType.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            throw ConsoleError.badRequest("contentType must be a printable ASCII media type");
        }
        if (S3Objects.exists(s3, bucket, key)) {
            throw new ConsoleError(409, "an upload with that key exists: delete it first or choose another key");
        }
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
        long partSize = partSize(size);
        int parts = (int) ((size + partSize - 1) / partSize);
        ObjectNode answer = JobView.JSON.createObjectNode();
        answer.put("uploadId", uploadId);
        answer.put("key", key);
        answer.put("partSize", partSize);
        ArrayNode urls = answer.putArray("parts");
        for (int n = 1; n <= parts; n++) {
            int partNumber = n;
            String url = presigner.presignUploadPart(p -> p.signatureDuration(settings.presignLifetime())
                    .uploadPartRequest(u -> u.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)))
                    .url().toString();
            urls.addObject().put("partNumber", partNumber).put("url", url);
        }
        return answer;
    }

    public ObjectNode complete(JsonNode body) {
        String key = keys.upload(text(body, "key"));
        String uploadId = text(body, "uploadId");
        JsonNode partsNode = body.get("parts");
        if (partsNode == null || !partsNode.isArray() || partsNode.isEmpty()
                || partsNode.size() > ConsoleSettings.MAX_PARTS) {
            throw ConsoleError.badRequest("parts must be a list of 1 to 10000 {partNumber, etag}");
        }
        List<CompletedPart> parts = new ArrayList<>();
        int previous = 0;
        for (JsonNode p : partsNode) {
            JsonNode number = p.get("partNumber");
            if (number == null || !number.isInt() || number.asInt() <= previous) {
                throw ConsoleError.badRequest("parts[" + parts.size() + "].partNumber must be a whole number above "
                        + previous + " (parts in ascending order)");
            }
            previous = number.asInt();
            parts.add(CompletedPart.builder().partNumber(previous).eTag(text(p, "etag")).build());
        }
        try {
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (SdkException e) {
            throw refused(e, "complete");
        }
        return JobView.JSON.createObjectNode().put("key", key);
    }

    public void abort(JsonNode body) {
        String key = ConsoleKeys.existing(text(body, "key"));
        String uploadId = text(body, "uploadId");
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            throw refused(e, "abort");
        }
    }

    /** S3's refusal of a part list or an upload id is the caller's: 404 / 400 with S3's own message. */
    private static RuntimeException refused(SdkException e, String what) {
        if (AwsErrors.isMissing(e)) {
            return ConsoleError.notFound("no such multipart upload to " + what + " (already completed or aborted?)");
        }
        if (e instanceof software.amazon.awssdk.services.s3.model.S3Exception s3e && s3e.statusCode() == 400) {
            return ConsoleError.badRequest("S3 refused to " + what + " the upload: "
                    + (s3e.awsErrorDetails() == null ? s3e.getMessage() : s3e.awsErrorDetails().errorMessage()));
        }
        return e;
    }

    static String text(JsonNode body, String field) {
        JsonNode v = body == null ? null : body.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw ConsoleError.badRequest("body field '" + field + "' must be a non-empty string");
        }
        return v.asText();
    }
}
