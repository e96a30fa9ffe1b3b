package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Batch delete (DeleteObjects) through the gateway with the AWS SDK v2, on the transient and the filesystem store: a
 * full batch of 1,000 keys (awkward ones and empty objects among them) is deleted in verbose and in quiet mode with no
 * per-key error and nothing left behind; a batch over S3's limit is refused whole, deleting nothing.
 * (Listings as S3 makes them, {@code dir/} objects among them: LocalCloudListingTest.)
 */
class LocalCloudDeleteObjectsTest {

    @RegisterExtension
    static final LocalCloudExtension TRANSIENT = new LocalCloudExtension();
    @RegisterExtension
    static final LocalCloudExtension FILESYSTEM = new LocalCloudExtension(b -> b.transientStorage(false));

    private static final String BUCKET = "video-transcoded";

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFullBatchWithAwkwardKeysLeavesNothingBehind(boolean quiet) {
        for (S3Client s3 : List.of(TRANSIENT.s3(), FILESYSTEM.s3())) {
            s3.createBucket(b -> b.bucket(BUCKET));
            List<String> keys = keys(1000);
            put(s3, keys);
            s3.putObject(b -> b.bucket(BUCKET).key("_chunks/other-job/plan"), RequestBody.fromString("{}"));

            DeleteObjectsResponse response = s3.deleteObjects(b -> b.bucket(BUCKET).delete(d -> d.quiet(quiet)
                    .objects(ids(keys))));

            assertThat(response.errors()).isEmpty();
            assertThat(response.deleted()).hasSize(quiet ? 0 : keys.size());
            assertThat(listed(s3)).containsExactly("_chunks/other-job/plan");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aBatchOverTheLimitIsRefusedWhole(boolean quiet) {
        S3Client s3 = TRANSIENT.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
        List<String> keys = keys(1001);
        put(s3, keys.subList(0, 10));

        assertThatThrownBy(() -> s3.deleteObjects(b -> b.bucket(BUCKET).delete(d -> d.quiet(quiet).objects(ids(keys)))))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThat(listed(s3)).hasSize(10);
    }

    /** Work-prefix keys as the chunked jobs write them, with awkward names and empty markers among them. */
    private static List<String> keys(int count) {
        List<String> keys = new ArrayList<>(List.of("_chunks/ffmpeg-0123/with space & amp <lt> \"q\" 'a'.part",
                "_chunks/ffmpeg-0123/비디오+plus%25.part", "_chunks/ffmpeg-0123/trailing .part ",
                "_chunks/ffmpeg-0123/done/c1", "_chunks/ffmpeg-0123/done/audio"));
        for (int i = 0; keys.size() < count; i++) {
            keys.add("_chunks/ffmpeg-0123/c" + String.format("%05d", i) + "/o0.part");
        }
        return keys;
    }

    private static void put(S3Client s3, List<String> keys) {
        keys.parallelStream().forEach(key -> s3.putObject(b -> b.bucket(BUCKET).key(key),
                RequestBody.fromString(key.contains("/done/") ? "" : "part")));
    }

    private static List<ObjectIdentifier> ids(List<String> keys) {
        return keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
    }

    private static List<String> listed(S3Client s3) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().map(S3Object::key).toList();
    }
}
