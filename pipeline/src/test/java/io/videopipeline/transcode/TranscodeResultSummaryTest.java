package io.videopipeline.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * routes/transcode-video.yaml logs {@code ${body.summary()}} (one reflective call per job) where it used to build
 * the line from four calls; the bench harness and operators read that line, so it must not change.
 */
class TranscodeResultSummaryTest {

    /** The route's log message before it called summary(). */
    private static final String FOUR_CALLS = "${body.backend()} job ${body.jobId()}: outputs written now"
            + " ${body.outputsWritten()} (asynchronous backends write later), already done: ${body.skipped()}";

    @Test
    void summaryIsTheLineTheRouteLoggedBefore() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            for (TranscodeResult result : List.of(
                    new TranscodeResult("ffmpeg", "a/b c.mov@etag", List.of("out/720p.mp4", "out/480p.mp4"), false),
                    new TranscodeResult("mediaconvert", "1234-abcd", List.of(), true))) {
                Exchange exchange = new DefaultExchange(camel);
                exchange.getMessage().setBody(result);
                String before = camel.resolveLanguage("simple").createExpression(FOUR_CALLS)
                        .evaluate(exchange, String.class);
                String now = camel.resolveLanguage("simple").createExpression("${body.summary()}")
                        .evaluate(exchange, String.class);
                assertThat(now).isEqualTo(before).startsWith(result.backend() + " job ");
            }
        }
    }
}
