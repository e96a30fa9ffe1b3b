package io.videopipeline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped configuration passes; each kind of mistake is one line naming the key, the value and what is allowed. */
class SettingsCheckTest {

    private static PipelineConfig shipped(String profile, Map<String, String> set) {
        return PipelineConfig.load(Path.of("config"), profile, Map.of(), set);
    }

    @Test
    void theShippedProfilesPass() {
        assertThat(SettingsCheck.problems(shipped("local", Map.of()))).isEmpty();
        assertThat(SettingsCheck.problems(shipped("aws", Map.of()))).isEmpty();
        // The local profile makes its own Elastic Transcoder pipeline: no id needed there.
        assertThat(SettingsCheck.problems(shipped("local", Map.of("pipeline.transcoder", "elastictranscoder")))).isEmpty();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "pipeline.mail.transport        | smpt        | one of smtp, sns, log",
            "pipeline.mail.transport        | SMTP        | one of smtp, sns, log",
            "pipeline.transcoder            | ffmepg      | one of ffmpeg, elastictranscoder, mediaconvert, lambda",
            "pipeline.acl.mode              | public      | one of public-read, private, none",
            "pipeline.mail.mode             | per-upload  | one of per-rendition, per-source",
            "pipeline.mail.link.mode        | signed      | one of auto, public, presigned",
            "pipeline.ffmpeg.x264-preset    | quick       | one of ultrafast, superfast",
            "pipeline.lambda.invocation-type| async       | one of RequestResponse, Event",
            "pipeline.inbox.enabled         | ture        | one of true, false",
            "pipeline.transcode.concurrency | 0           | a whole number ≥ 1",
            "pipeline.transcode.parallel-encodes | 0      | a whole number ≥ 1",
            "pipeline.retry.max-receives    | five        | a whole number from 1 to 1000",
            "pipeline.shutdown.grace-seconds| -1          | a whole number ≥ 0",
            "pipeline.mail.port             | 70000       | a whole number from 1 to 65535",
            "pipeline.aws.endpoint-url      | localhost:4566 | an http:// or https:// URL",
            "pipeline.ffmpeg.timeout-minutes| 0           | a number > 0",
            "pipeline.ffmpeg.timeout-minutes| ten         | a number > 0",
            "pipeline.transcode.max-frame-rate | -30       | a number > 0",
            "pipeline.transcode.max-pixels  | 0           | a whole number ≥ 1",
            "pipeline.intake.max-records    | 0           | a whole number ≥ 1",
            "pipeline.transcode.on-key-collision | overwrite | one of refuse, replace",
            "pipeline.sqs.acknowledge       | later       | one of async, sync",
            "pipeline.sqs.acknowledge-batch-size | 11     | a whole number from 1 to 10",
            "pipeline.sqs.acknowledge-attempts | 0        | a whole number from 1 to 100",
    })
    void aBadValueNamesTheKeyTheValueAndWhatIsAllowed(String key, String value, String allowed) {
        PipelineConfig config = shipped("local", Map.of(key, value));

        assertThatThrownBy(() -> SettingsCheck.check(config))
                .isInstanceOf(ConfigurationError.class)
                .hasMessageStartingWith("property '" + key + "' is '" + value + "' but must be " + allowed)
                .hasMessageContaining(PipelineConfig.envName(key))
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest(name = "{0} needs {1}")
    @CsvSource(delimiter = '|', value = {
            "pipeline.transcoder=mediaconvert      | pipeline.mediaconvert.role-arn",
            "pipeline.transcoder=lambda            | pipeline.lambda.function",
            "pipeline.transcoder=elastictranscoder | pipeline.elastictranscoder.pipeline-id",
            "pipeline.mail.transport=sns           | pipeline.mail.sns-topic",
            "pipeline.mail.transport=smtp          | pipeline.mail.host",
    })
    void aChoiceThatNeedsAnotherSettingSaysSoInTheAwsProfile(String choice, String needed) {
        String[] kv = choice.split("=");
        PipelineConfig config = shipped("aws", Map.of(kv[0], kv[1], needed, ""));

        assertThat(SettingsCheck.problems(config))
                .containsExactly("property '" + needed + "' is empty but required with " + choice + ": set it in "
                        + config.configDir().resolve("application*.properties") + ", as "
                        + PipelineConfig.envName(needed) + " or with --set " + needed + "=...");
    }

    @Test
    void everyProblemIsCountedButOnlyTheFirstIsSpelledOut() {
        PipelineConfig config = shipped("local", Map.of("pipeline.mail.transport", "smpt",
                "pipeline.acl.mode", "open", "pipeline.transcode.concurrency", "many"));

        assertThat(SettingsCheck.problems(config)).hasSize(3);
        assertThatThrownBy(() -> SettingsCheck.check(config))
                .hasMessageStartingWith("property 'pipeline.mail.transport' is 'smpt'")
                .hasMessageEndingWith("(and 2 more settings to fix)");
    }

    @Test
    void aFractionOfAMinuteIsATimeout() {
        assertThat(SettingsCheck.problems(shipped("local", Map.of("pipeline.ffmpeg.timeout-minutes", "0.05",
                "pipeline.transcode.max-duration-minutes", "0.5")))).isEmpty();
    }

    @Test
    void keysAndSecretsComeTogether() {
        assertThat(SettingsCheck.problems(shipped("aws", Map.of("pipeline.aws.access-key", "test"))))
                .singleElement().asString().contains("'pipeline.aws.access-key' and 'pipeline.aws.secret-key'");
    }
}
