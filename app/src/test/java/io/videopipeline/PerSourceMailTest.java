package io.videopipeline;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.videopipeline.EndToEnd.clip;
import static io.videopipeline.EndToEnd.depth;
import static io.videopipeline.EndToEnd.keys;
import static io.videopipeline.EndToEnd.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code pipeline.mail.mode=per-source}: one upload, three renditions, exactly one mail once all three exist.
 * Only the routes involved run (transcode-video, notify-email).
 */
class PerSourceMailTest {

    @TempDir
    static Path work;
    private static PipelineTestApp app;

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work.resolve("app"), Map.of(
                "pipeline.routes.enabled", "transcode-video,notify-email",
                "pipeline.mail.mode", "per-source"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void threeRenditionsGiveExactlyOneMail() {
        upload(app.s3(), "video-upload", "whole.mov", clip(work, "whole.mov", "320x240", true));

        await().atMost(Duration.ofSeconds(90)).until(() -> mails().size() == 1);
        // the three renditions (notify-email also leaves a ".mailed" marker beside the one that sent the mail)
        assertThat(keys(app.s3(), "video-transcoded", "whole/")).filteredOn(k -> k.endsWith(".mp4")).hasSize(3);
        String email = app.queueUrl("transcoded-video-email");
        // every rendition's event was handled (none left, none dead-lettered) and still only one mail
        await().atMost(Duration.ofSeconds(30)).until(() -> depth(app.sqs(), email) == 0);
        assertThat(depth(app.sqs(), app.queueUrl("transcoded-video-email-dlq"))).isZero();
        assertThat(mails()).singleElement().satisfies(m ->
                assertThat(m.getSubject()).isEqualTo("All 3 renditions ready: whole.mov"));
    }

    /**
     * A master playlist the per-source mail does not wait for (streaming off here; and this one has no source-key
     * metadata) is acknowledged without a mail and without an error.
     */
    @Test
    void aMasterPlaylistItDoesNotWaitForIsAcknowledgedWithoutMail() {
        int before = mails().size();
        // the SQS message as received from notify-email's queue, done once every record in it is
        org.apache.camel.builder.NotifyBuilder done = new org.apache.camel.builder.NotifyBuilder(app.camel())
                .from("aws2-sqs://transcoded-video-email*")
                .filter(e -> String.valueOf(e.getMessage().getBody()).contains("orphan.m3u8")).whenCompleted(1).create();
        app.s3().putObject(b -> b.bucket("video-transcoded").key("orphan/orphan.m3u8"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("#EXTM3U\n"));
        String email = app.queueUrl("transcoded-video-email");

        await().atMost(Duration.ofSeconds(30)).until(done::matches);
        await().atMost(Duration.ofSeconds(30)).until(() -> depth(app.sqs(), email) == 0);
        assertThat(depth(app.sqs(), app.queueUrl("transcoded-video-email-dlq"))).isZero();
        assertThat(mails()).hasSize(before);
    }

    private static List<MimeMessage> mails() {
        return Arrays.stream(app.mailServer().receivedMessages()).toList();
    }
}
