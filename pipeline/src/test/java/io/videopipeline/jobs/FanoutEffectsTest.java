package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.event.ObjectEvent;
import io.videopipeline.localcloud.LocalCloudExtension;
import io.videopipeline.media.RenditionMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;

/** What the fan-out routes did, recorded in the upload's job record on the local cloud's S3, gathered or at once. */
class FanoutEffectsTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String BUCKET = "video-transcoded";
    private static final JobRecord.Source UPLOAD = new JobRecord.Source("video-upload", "up/clip.mov", "e1", 1234L);
    private static final List<String> OUTPUTS = List.of("up/clip/clip-1080p.mp4", "up/clip/clip-720p.mp4",
            "up/clip/clip-web-720p.mp4");

    private final AtomicInteger heads = new AtomicInteger();
    private final SetClock clock = new SetClock(Instant.parse("2026-01-01T00:00:02Z"));
    private S3Client s3;
    private JobTracker tracker;
    private FanoutEffects effects;

    @BeforeEach
    void aCompleteUploadWithThreeRenditions() {
        CLOUD.s3().createBucket(b -> b.bucket(BUCKET));
        s3 = S3Client.builder().endpointOverride(CLOUD.endpoint()).region(CLOUD.region())
                .credentialsProvider(CLOUD.credentials()).forcePathStyle(true)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof HeadObjectRequest) {
                            heads.incrementAndGet();
                        }
                    }
                })).build();
        tracker = new JobTracker(new JobRecordStore(s3, BUCKET, new JobRecordKeys(JobRecordKeys.DEFAULT_PATTERN)),
                null, Duration.ofSeconds(5), clock);
        tracker.store().update(UPLOAD.key(), current -> JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, current,
                "2026-01-01T00:00:00Z").complete(OUTPUTS.stream().map(k -> new JobRecord.Output(k, "p", 1L, 2.0, 320, 180))
                .toList(), "2026-01-01T00:00:02Z"));
        for (String key : OUTPUTS) {
            s3.putObject(b -> b.bucket(BUCKET).key(key).metadata(Map.of(RenditionMetadata.SOURCE_KEY, UPLOAD.key(),
                    RenditionMetadata.SOURCE_ETAG, UPLOAD.eTag())), RequestBody.fromString("mp4"));
        }
    }

    @AfterEach
    void stop() {
        if (effects != null) {
            effects.close();
        }
        s3.close();
    }

    @Test
    void anUploadsNineEffectsAreOneHeadPerRenditionAndOneRecordWrite() {
        effects = new FanoutEffects(s3, tracker, Duration.ofMinutes(10)); // written only when stopped, below
        effects.open();
        clock.now = Instant.parse("2026-01-01T00:00:03Z");
        allNineDone();
        assertThat(recorded()).isEmpty(); // gathered, not written yet
        clock.now = Instant.parse("2026-01-01T00:00:09Z");
        heads.set(0);
        long requests = tracker.store().requests();
        effects.close();

        assertThat(heads.get()).as("HEADs of the renditions").isEqualTo(3);
        assertThat(tracker.store().requests() - requests).as("GET and PUT of the record").isEqualTo(2);
        assertThat(recorded()).isEqualTo(allNine());
        JobRecord record = tracker.store().read(UPLOAD.key()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.COMPLETE);
        assertThat(record.outputs()).flatExtracting(o -> o.effects().values()).as("each effect keeps its own time")
                .hasSize(9).containsOnly("2026-01-01T00:00:03Z");
    }

    @Test
    void theWindowClosesByItself() {
        effects = new FanoutEffects(s3, tracker, Duration.ofMillis(200));
        effects.open();

        allNineDone();

        await().atMost(Duration.ofSeconds(10)).until(() -> recorded().equals(allNine()));
    }

    @Test
    void withoutAWindowEachEffectIsWrittenBeforeDoneReturns() {
        effects = new FanoutEffects(s3, tracker, Duration.ZERO);
        effects.open();

        effects.done(event(OUTPUTS.get(1)), "acl");

        assertThat(recorded()).isEqualTo(Map.of(OUTPUTS.get(1), Set.of("acl")));
    }

    @Test
    void afterStoppingEffectsAreWrittenAtOnceAndNoneIsLost() {
        effects = new FanoutEffects(s3, tracker, Duration.ofMinutes(10));
        effects.open();
        effects.done(event(OUTPUTS.get(0)), "mail");
        effects.close();

        effects.done(event(OUTPUTS.get(2)), "metadata"); // a route still finishing while Camel stops

        assertThat(recorded()).isEqualTo(Map.of(OUTPUTS.get(0), Set.of("mail"), OUTPUTS.get(2), Set.of("metadata")));
    }

    @Test
    void anOutputOfAnotherUploadOrWithoutASourceIsNotRecordedAndTheOthersAre() {
        s3.putObject(b -> b.bucket(BUCKET).key("up/clip/old.mp4").metadata(Map.of(RenditionMetadata.SOURCE_KEY,
                UPLOAD.key(), RenditionMetadata.SOURCE_ETAG, "an-earlier-upload")), RequestBody.fromString("mp4"));
        s3.putObject(b -> b.bucket(BUCKET).key("up/clip/stray.mp4"), RequestBody.fromString("mp4"));
        effects = new FanoutEffects(s3, tracker, Duration.ofMinutes(10));
        effects.open();

        effects.done(event("up/clip/old.mp4"), "acl");
        effects.done(event("up/clip/stray.mp4"), "acl");
        effects.done(event("up/clip/gone.mp4"), "acl"); // deleted before its effect is recorded: a 404 HEAD
        effects.done(event(OUTPUTS.get(0)), "acl");
        effects.done(new ObjectEvent("ObjectCreated:Put", "another-bucket", OUTPUTS.get(1), null, null, null,
                (String) null, null), "acl");
        effects.close();

        assertThat(recorded()).isEqualTo(Map.of(OUTPUTS.get(0), Set.of("acl")));
    }

    private void allNineDone() {
        for (String effect : List.of("metadata", "acl", "mail")) {
            for (String key : OUTPUTS) {
                effects.done(event(key), effect);
            }
        }
    }

    private static Map<String, Set<String>> allNine() {
        return OUTPUTS.stream().collect(Collectors.toMap(k -> k, k -> Set.of("mail", "acl", "metadata")));
    }

    private Map<String, Set<String>> recorded() {
        return tracker.store().read(UPLOAD.key()).orElseThrow().outputs().stream()
                .filter(o -> !o.effects().isEmpty())
                .collect(Collectors.toMap(JobRecord.Output::key, o -> o.effects().keySet(), (a, b) -> a, TreeMap::new));
    }

    private static ObjectEvent event(String key) {
        return new ObjectEvent("ObjectCreated:Put", BUCKET, key, 3L, null, null, (String) null, null);
    }
}
