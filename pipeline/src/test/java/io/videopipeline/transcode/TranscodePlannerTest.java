package io.videopipeline.transcode;

import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.media.SourceMissingException;

import io.videopipeline.event.ObjectEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The planner on a real (in-test) S3: which ETag a job carries, and which bucket it accepts. */
class TranscodePlannerTest {
    private static final String UPLOADS = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    private static final List<Preset> PRESETS = PresetCatalog.load(Path.of("config/presets.yaml")).presets();

    private static InTestS3 s3Server;
    private static S3Client s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3Server = new InTestS3();
        s3 = s3Server.client();
        s3.createBucket(b -> b.bucket(UPLOADS));
        s3.createBucket(b -> b.bucket(TRANSCODED));
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3Server.close();
    }

    private final TranscodePlanner planner = new TranscodePlanner(
            new KeyFilter(List.of(), List.of(), List.of()), new OutputKeys(), PRESETS, UPLOADS, TRANSCODED, s3);

    private static ObjectEvent created(String key, String eTag) {
        return new ObjectEvent("ObjectCreated:Put", UPLOADS, key, 5L, eTag, null, (String) null, null);
    }

    @Test
    void aJobCarriesTheObjectsETagWhateverTheEventSays() {
        String real = s3.putObject(p -> p.bucket(UPLOADS).key("clip.mov"), RequestBody.fromString("bytes"))
                .eTag().replace("\"", "");

        // ten copies of one record with made-up ETags must all be "the same source" to the idempotency check
        for (String claimed : new String[] {null, "", "0123456789abcdef0123456789abcdef", real}) {
            assertThat(planner.plan(created("clip.mov", claimed)).inputETag()).as("event ETag %s", claimed)
                    .isEqualTo(real);
        }
    }

    @Test
    void anObjectGoneSinceTheEventIsSourceMissing() {
        assertThatThrownBy(() -> planner.plan(created("gone.mov", "0123456789abcdef0123456789abcdef")))
                .isInstanceOf(SourceMissingException.class).hasMessageContaining("does not exist");
    }

    @Test
    void anEventOfAnotherBucketIsRefused() {
        ObjectEvent foreign = new ObjectEvent("ObjectCreated:Put", TRANSCODED, "clip/clip-720p.mp4", 5L, "e", null,
                (String) null, null);
        assertThatThrownBy(() -> planner.wanted(foreign)).isInstanceOf(ForeignObjectException.class)
                .hasMessageContaining("pipeline.buckets.upload");
    }
}
