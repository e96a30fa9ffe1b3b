package io.videopipeline.notify;

import static io.videopipeline.EndToEnd.clip;
import static io.videopipeline.EndToEnd.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.PipelineTestApp;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a mail says is true: a real upload transcoded by real ffmpeg gives mails that state the rendition's
 * duration (the transcoder knows it and writes it on the rendition), and whose link is of the kind the configured
 * ACL mode promises. set-permissions is deliberately not running here: with the link chosen by the object's ACL of
 * the moment, these mails carried presigned links although the renditions were about to be made public.
 */
class MailContentTest {

    @TempDir
    Path work;

    @Test
    void mailsStateTheDurationAndAPublicLinkWhenRenditionsAreMadePublic() throws Exception {
        try (PipelineTestApp app = PipelineTestApp.start(work, Map.of(
                "pipeline.routes.enabled", "transcode-video,notify-email",
                "pipeline.mail.link.mode", "auto",
                "pipeline.acl.mode", "public-read",
                "pipeline.mail.link.public-base-url", "https://cdn.example.com/videos"))) {
            upload(app.s3(), "video-upload", "told/clip.mov", clip(work, "clip.mov", "320x240", true));

            await().atMost(Duration.ofSeconds(120)).until(() -> app.mailServer().receivedMessages().length == 3);
            List<MimeMessage> mails = Arrays.asList(app.mailServer().receivedMessages());
            for (MimeMessage mail : mails) {
                String text = (String) ((MimeMultipart) mail.getContent()).getBodyPart(0).getContent();
                // EndToEnd.clip makes 1 s clips
                assertThat(text).contains("Duration       : 0:01").doesNotContain("unknown");
                assertThat(text).containsPattern("Download: https://cdn\\.example\\.com/videos/told/clip/clip-"
                        + "(1080p|720p|web-720p)\\.mp4\\R").doesNotContain("X-Amz-Signature").contains("(public link)");
            }
            assertThat(app.s3().headObject(b -> b.bucket("video-transcoded").key("told/clip/clip-720p.mp4"))
                    .metadata()).containsEntry("duration-seconds", "1.000");
        }
    }
}
