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

    private static List<MimeMessage> mails() {
        return Arrays.stream(app.mailServer().receivedMessages()).toList();
    }
}
