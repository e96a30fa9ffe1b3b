package io.videopipeline.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders the project's real templates in {@code config/mail/}. */
class RenditionMailTest {

    static final MailTemplates TEMPLATES = MailTemplates.load(Path.of("config/mail"));
    static final RenditionMail MAIL = new RenditionMail(TEMPLATES, new MailSettings("pipeline@example.com",
            "owner@example.com"));
    static final String HOSTILE_KEY = "up/evil\r\nBcc: victim@example.com\r\n\r\n<script>alert(1)</script> ${link}"
            + " Ünï 🎬\u2028x\u0085y\u0000z/evil-720p.mp4";
    static final Link PRESIGNED = new Link("https://video-transcoded.s3.us-east-1.amazonaws.com/a%20b.mp4"
            + "?X-Amz-Signature=abc&X-Amz-Expires=604800", false, Instant.parse("2025-01-09T10:00:00Z"));

    static Rendition rendition(String key, Map<String, String> metadata, Link link) {
        return new Rendition("video-transcoded", key, 12_345_678, metadata, Duration.ofMillis(83_400), link);
    }

    @Test
    void renditionMailCarriesTheFactsAndTheLink() {
        MailMessage mail = MAIL.renditionReady(rendition("clip/clip-720p.mp4",
                Map.of("source-bucket", "video-upload", "source-key", "clip.mov", "preset", "720p"), PRESIGNED));

        assertThat(mail.to()).isEqualTo("owner@example.com");
        assertThat(mail.from()).isEqualTo("pipeline@example.com");
        assertThat(mail.subject()).isEqualTo("Video ready: clip-720p.mp4 (720p)");
        assertThat(mail.text()).contains("Uploaded video : clip.mov (bucket video-upload)")
                .contains("Rendition      : 720p").contains("Size           : 11.8 MB (12345678 bytes)")
                .contains("Duration       : 1:23").contains("Download: " + PRESIGNED.url())
                .contains("link valid until 2025-01-09 10:00 UTC");
        assertThat(mail.html()).contains("<a href=\"https://video-transcoded.s3.us-east-1.amazonaws.com/a%20b.mp4"
                + "?X-Amz-Signature=abc&amp;X-Amz-Expires=604800\">");
    }

    @Test
    void hostileKeyCannotBreakTheSubjectTheTextOrTheHtml() {
        MailMessage mail = MAIL.renditionReady(rendition(HOSTILE_KEY,
                Map.of("source-key", "a\nb<i>", "preset", "720p\r\nX-Injected: 1"), PRESIGNED));

        assertThat(mail.subject()).doesNotContain("\r", "\n", "\u0085", "\u2028", "\u0000")
                .startsWith("Video ready: evil-720p.mp4 (720p X-Injected: 1)");
        assertThat(mail.subject().codePointCount(0, mail.subject().length())).isLessThanOrEqualTo(150);
        assertThat(mail.html()).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("a b&lt;i&gt;").contains("Ünï 🎬");
        // The key's "${link}" stays literal text instead of being expanded a second time.
        assertThat(mail.text()).contains("<script>alert(1)</script> ${link} Ünï 🎬 x y z/evil-720p.mp4")
                .doesNotContain("\r").doesNotContain("\nBcc:");
        assertThat(mail.text().lines()).noneMatch(line -> line.startsWith("Bcc:"));
    }

    @Test
    void longKeysGiveACappedSubject() {
        MailMessage mail = MAIL.renditionReady(rendition("d/" + "x".repeat(500) + "-720p.mp4", Map.of(), PRESIGNED));

        assertThat(mail.subject()).hasSize(150).endsWith("…");
    }

    @Test
    void sourceMailListsEveryRenditionEscaped() {
        Map<String, String> meta = Map.of("source-bucket", "video-upload", "source-key", "up/<b>clip.mov");
        Link pub = new Link("https://cdn.example.com/clip/clip-1080p.mp4", true, null);
        MailMessage mail = MAIL.sourceReady(List.of(
                rendition("clip/clip-1080p.mp4", Map.of("source-bucket", "video-upload",
                        "source-key", "up/<b>clip.mov", "preset", "1080p"), pub),
                rendition("clip/clip-720p.mp4", meta, PRESIGNED),
                rendition("clip/clip-web-720p.mp4", meta, PRESIGNED)), null);

        assertThat(mail.subject()).isEqualTo("All 3 renditions ready: <b>clip.mov");
        assertThat(mail.text()).contains("- 1080p: clip/clip-1080p.mp4 (11.8 MB, 1:23)")
                .contains("- web-720p: clip/clip-web-720p.mp4").contains("public link");
        assertThat(mail.html()).contains("<li><strong>1080p</strong>: <a href=\"https://cdn.example.com/clip/clip-1080p.mp4\">")
                .contains("&lt;b&gt;clip.mov").doesNotContain("<b>clip");
    }

    @Test
    void sourceMailWithAStreamLinksTheMasterAndThePosterEscaped() {
        Map<String, String> meta = Map.of("source-key", "up/clip.mov");
        String master = "up/<i>clip/<i>clip.m3u8";
        RenditionMail.Stream stream = new RenditionMail.Stream(master,
                new Link("https://cdn.example.com/up/%3Ci%3Eclip/%3Ci%3Eclip.m3u8", true, null),
                new Link("https://cdn.example.com/p.jpg?a=1&b=\"2", true, null));

        MailMessage mail = MAIL.sourceReady(List.of(rendition("up/clip/clip-720p.mp4", meta, PRESIGNED)), stream);

        assertThat(mail.text()).contains("Stream (HLS): https://cdn.example.com/up/%3Ci%3Eclip/%3Ci%3Eclip.m3u8")
                .contains("Poster: https://cdn.example.com/p.jpg?a=1&b=\"2");
        assertThat(mail.html()).contains("&lt;i&gt;clip.m3u8</a>").doesNotContain("<i>")
                .contains("<img src=\"https://cdn.example.com/p.jpg?a=1&amp;b=&quot;2\"");
        // without a stream, no trace of one
        assertThat(MAIL.sourceReady(List.of(rendition("up/clip/clip-720p.mp4", meta, PRESIGNED)), null).text())
                .doesNotContain("Stream").doesNotContain("Poster");
    }

    @Test
    void presetComesFromMetadataElseFromTheOutputPattern() {
        assertThat(rendition("a/my-clip/my-clip-web-720p.mp4", Map.of(), PRESIGNED).preset()).isEqualTo("web-720p");
        assertThat(rendition("my-clip/my-clip-1080p.mp4", Map.of(), PRESIGNED).preset()).isEqualTo("1080p");
        assertThat(rendition("my-clip/my-clip-1080p.mp4", Map.of("preset", "x"), PRESIGNED).preset()).isEqualTo("x");
        assertThat(rendition("flat.mp4", Map.of(), PRESIGNED).preset()).isEmpty();
    }

    @Test
    void templateWithAnUnknownPlaceholderIsRefusedAtLoad(@TempDir Path dir) throws IOException {
        for (String f : List.of("rendition-ready.subject.txt", "rendition-ready.txt", "rendition-ready.html",
                "source-ready.subject.txt", "source-ready.txt", "source-ready.html")) {
            Files.copy(Path.of("config/mail", f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("rendition-ready.txt"), "Size: ${sise}");

        assertThatThrownBy(() -> MailTemplates.load(dir))
                .hasMessageContaining("rendition-ready.txt uses unknown placeholder(s) [sise]");
    }
}
