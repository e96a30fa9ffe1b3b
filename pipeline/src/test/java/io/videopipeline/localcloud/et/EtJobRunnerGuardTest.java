package io.videopipeline.localcloud.et;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.s3.S3ProxyFixture;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.HostileMedia;
import io.videopipeline.transcode.KeyFilter;
import io.videopipeline.media.PresetCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The local Elastic Transcoder runs the same ffmpeg on the same untrusted uploads (issue 13, finding 2): a
 * playlist or script under any video suffix ends in ET's 4000 "Bad Input File" naming the detected format, and
 * nothing is written.
 */
class EtJobRunnerGuardTest {

    private static final String UPLOADS = "video-upload";
    private static final String TRANSCODED = "video-transcoded";

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    private static S3Client s3;
    private static EtJobRunner runner;
    private static Path secret;
    private static List<EtJobRunner.Out> outputs;

    @BeforeAll
    static void start(@TempDir Path tmp) {
        s3 = S3.client();
        s3.createBucket(b -> b.bucket(UPLOADS));
        s3.createBucket(b -> b.bucket(TRANSCODED));
        secret = HostileMedia.solidTs(tmp, "other-job.ts", "red");
        runner = new EtJobRunner(s3, FfmpegSettings.defaults().withFfmpegPath(HostileMedia.FFMPEG)
                .withFfprobePath("/usr/bin/ffprobe").withWorkDir(tmp.resolve("work")).withX264Preset("ultrafast")
                .withThreads(1).withTimeout(Duration.ofMinutes(2)));
        outputs = List.of(new EtJobRunner.Out("out/x-720p.mp4",
                PresetCatalog.load(Path.of("config/presets.yaml")).get("720p")));
    }

    static Stream<Arguments> payloadsUnderEverySuffix() {
        List<Arguments> all = new ArrayList<>();
        for (String suffix : KeyFilter.VIDEO_SUFFIXES) {
            all.add(Arguments.of(HostileMedia.hls(secret.toAbsolutePath().toString()), suffix));
            all.add(Arguments.of(HostileMedia.ffconcat(secret.toAbsolutePath().toString()), suffix));
            all.add(Arguments.of(HostileMedia.sdp(5004), suffix));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("payloadsUnderEverySuffix")
    void playlistsAndScriptsEndInBadInputFileNamingTheFormat(HostileMedia.Payload payload, String suffix) {
        String key = "in/" + payload.format() + suffix;
        s3.putObject(b -> b.bucket(UPLOADS).key(key), RequestBody.fromBytes(payload.bytes()));

        assertThatThrownBy(() -> runner.run("job-1", UPLOADS, key, TRANSCODED, outputs, Map.of(), facts -> { }))
                .isInstanceOfSatisfying(EtJobRunner.Failure.class, e -> {
                    assertThat(e.code()).isEqualTo(4000);
                    assertThat(e.messageDetails()).isEqualTo("Bad Input File");
                    assertThat(e.getMessage()).contains("detects its format as '" + payload.format() + "'");
                });
        assertThat(s3.listObjectsV2(b -> b.bucket(TRANSCODED).prefix("out/")).contents()).isEmpty();
    }

    @Test
    void anInputOverTheLimitsEndsInBadInputFile(@TempDir Path tmp) {
        Path still = HostileMedia.tenHourStill(tmp);
        s3.putObject(b -> b.bucket(UPLOADS).key("in/ten-hours.mp4"), RequestBody.fromFile(still));

        assertThatThrownBy(() -> runner.run("job-2", UPLOADS, "in/ten-hours.mp4", TRANSCODED, outputs, Map.of(),
                facts -> { }))
                .isInstanceOfSatisfying(EtJobRunner.Failure.class, e -> {
                    assertThat(e.code()).isEqualTo(4000);
                    assertThat(e.getMessage()).contains("its duration 10:00:01 exceeds");
                });
    }
}
