package io.videopipeline.console;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console's rules on their own: who is let in, which keys, which files, how big a part. */
class ConsoleGuardTest {

    private static ConsoleSettings settings(String host, String token) {
        return new ConsoleSettings(true, host, 8000, null, token, List.of("http://localhost:8000", "https://videos.example"),
                Duration.ofMinutes(15), 16L << 20, 20L << 30, "q", Duration.ofSeconds(15));
    }

    private static int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (ConsoleError e) {
            return e.status();
        }
    }

    @Test
    void theConsoleRunsInTheLocalProfileOrWithAToken() {
        assertThat(ConsoleSettings.decide(true, "local", null)).isTrue();
        assertThat(ConsoleSettings.decide(true, "aws", null)).isFalse();
        assertThat(ConsoleSettings.decide(true, "aws", " ")).isFalse();
        assertThat(ConsoleSettings.decide(true, "aws", "t")).isTrue();
        assertThat(ConsoleSettings.decide(false, "local", "t")).isFalse();
        assertThat(settings("127.0.0.1", "secret").toString()).doesNotContain("secret");
        // on every address only with a token: never an open console on the network
        assertThatThrownBy(() -> settings("0.0.0.0", null)).hasMessageContaining("without PIPELINE_CONSOLE_TOKEN");
        assertThat(settings("0.0.0.0", "t").host()).isEqualTo("0.0.0.0");
    }

    @Test
    void aTokenIsRequiredAsBearerWhenSet() {
        ConsoleGuard guard = new ConsoleGuard(settings("127.0.0.1", "s3cret"));
        String url = "http://127.0.0.1:8000/api/uploads";
        assertThat(status(() -> guard.check("GET", null, null, url))).isEqualTo(401);
        assertThat(status(() -> guard.check("GET", "s3cret", null, url))).isEqualTo(401);
        assertThat(status(() -> guard.check("GET", "Basic s3cret", null, url))).isEqualTo(401);
        assertThat(status(() -> guard.check("GET", "Bearer s3cre", null, url))).isEqualTo(401);
        assertThat(status(() -> guard.check("GET", "Bearer s3cret", null, url))).isEqualTo(200);
        assertThat(status(() -> guard.check("GET", "bearer s3cret", null, url))).isEqualTo(200);
        assertThat(status(() -> new ConsoleGuard(settings("127.0.0.1", null)).check("GET", null, null, url)))
                .isEqualTo(200);
    }

    @Test
    void stateChangesNeedAnAllowedOriginAndALoopbackBindItsOwnHost() {
        ConsoleGuard guard = new ConsoleGuard(settings("127.0.0.1", null));
        String url = "http://127.0.0.1:8000/api/uploads";
        assertThat(status(() -> guard.check("POST", null, "http://127.0.0.1:8000", url))).isEqualTo(200);
        assertThat(status(() -> guard.check("DELETE", null, "http://localhost:8000", url))).isEqualTo(200);
        assertThat(status(() -> guard.check("POST", null, "https://videos.example", url))).isEqualTo(200);
        assertThat(status(() -> guard.check("POST", null, null, url))).isEqualTo(403);
        assertThat(status(() -> guard.check("POST", null, "null", url))).isEqualTo(403);
        assertThat(status(() -> guard.check("POST", null, "http://127.0.0.1:8001", url))).isEqualTo(403);
        assertThat(status(() -> guard.check("POST", null, "http://127.0.0.1:8000.evil.example", url))).isEqualTo(403);
        assertThat(status(() -> guard.check("GET", null, "http://evil.example", url))).isEqualTo(200);
        // DNS rebinding: a name that resolves to 127.0.0.1 is not this server's
        assertThat(status(() -> guard.check("GET", null, null, "http://rebound.evil.example:8000/api/uploads")))
                .isEqualTo(403);
        // bound to every address (a container), the Host is whatever the operator's DNS says
        assertThat(status(() -> new ConsoleGuard(settings("0.0.0.0", "t")).check("GET", "Bearer t", null,
                "http://runner.internal:8000/api/uploads"))).isEqualTo(200);
        guard.bound(41000);
        assertThat(status(() -> guard.check("POST", null, "http://127.0.0.1:41000", "http://127.0.0.1:41000/api")))
                .isEqualTo(200);
    }

    @Test
    void keysAreS3sWithoutControlCharactersAndUploadsOnesThePipelineTranscodes() {
        ConsoleKeys keys = new ConsoleKeys(io.videopipeline.transcode.KeyFilter.videosOnly());
        String hostile = "a/<script>alert('x')</script> \"q\" \u202Egnp.mp4";
        assertThat(keys.upload(hostile)).isEqualTo(hostile);
        String kilobyte = "é".repeat(510) + ".mp4"; // 1,024 bytes of UTF-8
        assertThat(keys.upload(kilobyte)).isEqualTo(kilobyte);
        assertThatThrownBy(() -> keys.upload("x" + kilobyte)).hasMessageContaining("1025 bytes");
        assertThatThrownBy(() -> keys.upload("a\u0000.mp4")).hasMessageContaining("U+0000");
        assertThatThrownBy(() -> keys.upload("a\u009b.mp4")).hasMessageContaining("U+009B");
        assertThatThrownBy(() -> keys.upload("notes.txt")).hasMessageContaining("would not be transcoded");
        assertThatThrownBy(() -> ConsoleKeys.existing("")).hasMessageContaining("'key' is required");
    }

    @Test
    void aPartIsTheSettingUntilTenThousandPartsWouldNotHoldTheFile() {
        BrowserUploads uploads = new BrowserUploads(null, null, "b", null, settings("127.0.0.1", null));
        assertThat(uploads.partSize(1)).isEqualTo(16L << 20);
        assertThat(uploads.partSize(10_000L * (16L << 20))).isEqualTo(16L << 20);
        long huge = 10_000L * (16L << 20) + 1;
        assertThat(uploads.partSize(huge)).isEqualTo(17L << 20);
        assertThat((huge + uploads.partSize(huge) - 1) / uploads.partSize(huge)).isLessThanOrEqualTo(10_000);
    }

    @Test
    void queryStringsAreDecodedAndAParameterGivenTwiceIsRefused() {
        assertThat(ConsoleApi.query("key=a%2Fb%20c%3Cx%3E&page=1")).containsEntry("key", "a/b c<x>")
                .containsEntry("page", "1");
        assertThatThrownBy(() -> ConsoleApi.query("key=a&key=b")).hasMessageContaining("more than once");
        assertThatThrownBy(() -> ConsoleApi.query("key=%zz")).hasMessageContaining("percent-encoding");
        assertThat(ConsoleApi.error(404, "no \"key\" <here>").json()).isEqualTo("{\"error\":\"no \\\"key\\\" <here>\"}");
    }

    @Test
    void pageFilesAreFileNamesUnderTheDirectoryOnly(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path page = Files.createDirectories(dir.resolve("page"));
        Files.writeString(page.resolve("index.html"), "index");
        Files.createDirectories(page.resolve("vendor"));
        Files.writeString(page.resolve("vendor/hls.min.js"), "hls");
        Files.writeString(dir.resolve("secret.js"), "secret");
        Files.createSymbolicLink(page.resolve("link.js"), dir.resolve("secret.js"));
        ConsoleStatic files = new ConsoleStatic(page);
        assertThat(files.find("")).hasValueSatisfying(f -> assertThat(new String(f.bytes())).isEqualTo("index"));
        assertThat(files.find("vendor/hls.min.js")).hasValueSatisfying(f ->
                assertThat(f.contentType()).startsWith("text/javascript"));
        for (String refused : List.of("../secret.js", "link.js", ".hidden.js", "vendor/../index.html", "/etc/passwd",
                "index.html/", "secret", "a\\..\\secret.js")) {
            assertThat(files.find(refused)).as(refused).isEmpty();
        }
        assertThat(new ConsoleStatic(null).find("no-such.html")).isEmpty();
    }
}
