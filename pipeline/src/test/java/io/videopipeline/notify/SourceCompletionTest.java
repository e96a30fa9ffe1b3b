package io.videopipeline.notify;

import io.videopipeline.failure.FailureClassifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.s3.S3ProxyFixture;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

class SourceCompletionTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    static final String BUCKET = "video-transcoded";

    @BeforeAll
    static void bucket() {
        S3.createBucket(BUCKET);
    }

    static List<String> siblings(String name) {
        return List.of(name + "/" + name + "-1080p.mp4", name + "/" + name + "-720p.mp4",
                name + "/" + name + "-web-720p.mp4");
    }

    static void put(String key) {
        S3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("v"));
    }

    @Test
    void onlyTheDesignatedEventSendsAndOnlyOnceAllExist() {
        List<String> keys = siblings("a");
        SourceCompletion completion = new SourceCompletion(S3.client());
        keys.forEach(SourceCompletionTest::put);

        // All three land together: every event sees all three, exactly one sends.
        List<SourceCompletion.Decision> decisions = keys.stream().map(k -> completion.check(BUCKET, k, keys)).toList();

        assertThat(decisions).filteredOn(SourceCompletion.Decision::shouldSend).singleElement()
                .satisfies(d -> assertThat(d.key()).isEqualTo("a/a-web-720p.mp4"));
        assertThat(decisions).extracting(SourceCompletion.Decision::status).containsExactly(
                SourceCompletion.Status.NOT_DESIGNATED, SourceCompletion.Status.NOT_DESIGNATED,
                SourceCompletion.Status.SEND);
    }

    @Test
    void designatedEventArrivingFirstWaitsByFailingTransiently() {
        List<String> keys = siblings("b");
        SourceCompletion completion = new SourceCompletion(S3.client());
        put("b/b-web-720p.mp4");

        SourceCompletion.Decision early = completion.check(BUCKET, "b/b-web-720p.mp4", keys);

        assertThat(early.status()).isEqualTo(SourceCompletion.Status.WAITING);
        assertThat(early.missing()).containsExactly("b/b-1080p.mp4", "b/b-720p.mp4");
        assertThatThrownBy(early::orThrow).isInstanceOf(SourceIncompleteException.class)
                .hasMessageContaining("missing [b/b-1080p.mp4, b/b-720p.mp4]")
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).isTrue());

        put("b/b-1080p.mp4");
        assertThat(completion.check(BUCKET, "b/b-1080p.mp4", keys).shouldSend()).isFalse();
        put("b/b-720p.mp4");
        assertThat(completion.check(BUCKET, "b/b-720p.mp4", keys).shouldSend()).isFalse();
        // The redelivered designated message now finds everything.
        assertThat(completion.check(BUCKET, "b/b-web-720p.mp4", keys).orThrow().shouldSend()).isTrue();
    }

    /**
     * With a streaming package the master playlist sends, whatever its key sorts as (it is uploaded after every other
     * file, so its event normally finds the MP4s there); an MP4 whose key sorts last does not.
     */
    @Test
    void withAStreamTheMasterPlaylistIsDesignatedAndWaitsForTheMp4s() {
        List<String> keys = new java.util.ArrayList<>(siblings("s"));
        keys.add(0, "s/s.m3u8");
        keys.add("s/s-zzz.mp4");
        SourceCompletion completion = new SourceCompletion(S3.client());
        assertThat(SourceCompletion.designated(keys)).isEqualTo("s/s.m3u8");
        put("s/s.m3u8");
        put("s/s-zzz.mp4");

        assertThat(completion.check(BUCKET, "s/s-zzz.mp4", keys).status()).isEqualTo(SourceCompletion.Status.NOT_DESIGNATED);
        SourceCompletion.Decision early = completion.check(BUCKET, "s/s.m3u8", keys);
        assertThat(early.status()).isEqualTo(SourceCompletion.Status.WAITING);
        assertThat(early.missing()).containsExactly("s/s-1080p.mp4", "s/s-720p.mp4", "s/s-web-720p.mp4");

        siblings("s").forEach(SourceCompletionTest::put);
        assertThat(completion.check(BUCKET, "s/s.m3u8", keys).shouldSend()).isTrue();
    }

    @Test
    void keyMustBeOneOfTheSiblings() {
        assertThatThrownBy(() -> new SourceCompletion(S3.client()).check(BUCKET, "x.mp4", siblings("c")))
                .hasMessageContaining("must include the event's key 'x.mp4'");
    }
}
