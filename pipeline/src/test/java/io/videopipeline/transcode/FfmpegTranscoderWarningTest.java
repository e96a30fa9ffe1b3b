package io.videopipeline.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.media.FfmpegProcess;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What makes an ffmpeg job end Warning, and what its reason says (the route test runs a real damaged upload). */
class FfmpegTranscoderWarningTest {

    @Test
    void decodeErrorsFfmpegSurvivedAreAWarningThatSaysHowManyAndTheFirst() {
        assertThat(FfmpegTranscoder.warning(new FfmpegProcess.Outcome(List.of(), 0))).isNull();
        assertThat(FfmpegTranscoder.warning(null)).isNull();

        String why = FfmpegTranscoder.warning(new FfmpegProcess.Outcome(List.of(
                "error while decoding MB 0 12, bytestream 1171", "Reference 2 >= 2"), 82));
        assertThat(why).startsWith("the source is damaged: ffmpeg met 82 decode errors and concealed them")
                .endsWith("; first: error while decoding MB 0 12, bytestream 1171");
        assertThat(FfmpegTranscoder.warning(new FfmpegProcess.Outcome(List.of("x"), 1))).contains("1 decode error ");
    }

    @Test
    void ffmpegsTextIsQuotedShortAndEscaped() {
        // decoder messages may quote bytes of the upload: no control character reaches the record or the event
        String why = FfmpegTranscoder.warning(new FfmpegProcess.Outcome(List.of("bad\r\nline" + "x".repeat(500)), 1));
        assertThat(why).doesNotContain("\r", "\n").contains("bad\\u000d\\u000aline").endsWith("...");
        assertThat(why.length()).isLessThan(420);
    }
}
