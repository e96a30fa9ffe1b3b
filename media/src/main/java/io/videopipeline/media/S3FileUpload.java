package io.videopipeline.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.utils.IoUtils;

/**
 * Uploads a local file to S3 without reading it into memory: one PutObject up to the threshold, otherwise a
 * multipart upload whose parts are streamed from ranges of the file (re-openable, so the SDK can retry a part).
 * A failed multipart upload is aborted so no invisible parts are left to pay for.
 */
public final class S3FileUpload {

    /** S3 allows at most 10,000 parts; parts grow beyond the threshold for files larger than that. */
    private static final int MAX_PARTS = 10_000;

    private final S3Client s3;
    private final long multipartThreshold;

    public S3FileUpload(S3Client s3, long multipartThreshold) {
        this.s3 = s3;
        this.multipartThreshold = multipartThreshold;
    }

    public void upload(Path file, String bucket, String key, String contentType, Map<String, String> metadata)
            throws IOException {
        long size = Files.size(file);
        if (size <= multipartThreshold) {
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType)
                    .metadata(metadata).build(), RequestBody.fromFile(file));
            return;
        }
        long partSize = Math.max(multipartThreshold, (size + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId = s3.createMultipartUpload(CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
                .contentType(contentType).metadata(metadata).build()).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long length = Math.min(partSize, size - offset);
                long start = offset;
                RequestBody body = RequestBody.fromContentProvider(() -> openRange(file, start, length), length,
                        contentType);
                String etag = s3.uploadPart(UploadPartRequest.builder().bucket(bucket).key(key).uploadId(uploadId)
                        .partNumber(number).contentLength(length).build(), body).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(CompleteMultipartUploadRequest.builder().bucket(bucket).key(key)
                    .uploadId(uploadId).multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
                    .build());
        } catch (RuntimeException e) {
            try {
                s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(bucket).key(key)
                        .uploadId(uploadId).build());
            } catch (RuntimeException abortFailure) {
                e.addSuppressed(abortFailure);
            }
            throw e;
        }
    }

    /** A stream over {@code length} bytes of {@code file} from {@code offset}; closing it closes the file. */
    private static InputStream openRange(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            InputStream whole = Channels.newInputStream(channel);
            return new InputStream() {
                private long remaining = length;

                @Override
                public int read() throws IOException {
                    if (remaining <= 0) {
                        return -1;
                    }
                    int b = whole.read();
                    if (b >= 0) {
                        remaining--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int off, int len) throws IOException {
                    if (remaining <= 0) {
                        return -1;
                    }
                    int n = whole.read(buffer, off, (int) Math.min(len, remaining));
                    if (n > 0) {
                        remaining -= n;
                    }
                    return n;
                }

                @Override
                public void close() {
                    IoUtils.closeQuietly(whole, null);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
