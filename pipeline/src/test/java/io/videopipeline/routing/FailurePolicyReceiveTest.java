package io.videopipeline.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.media.TranscodeFailedException;
import io.videopipeline.media.TranscodeTimeoutException;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A transcode timeout allows two receives; other failures keep their classification whatever the receive. */
class FailurePolicyReceiveTest {

    private final FailurePolicy policy = new FailurePolicy(5);

    @Test
    void aTimeoutIsTransientOnTheFirstReceiveAndPermanentFromTheSecond() {
        TranscodeTimeoutException timeout = new TranscodeTimeoutException("ffmpeg timed out", "b", "k", List.of());

        assertThat(policy.isPermanent(failed(timeout, "1"))).isFalse();
        assertThat(policy.isPermanent(failed(timeout, "2"))).isTrue();
        assertThat(policy.isPermanent(failed(timeout, "5"))).isTrue();
    }

    @Test
    void otherFailuresDoNotDependOnTheReceive() {
        TranscodeFailedException crash = new TranscodeFailedException("ffmpeg crashed", "b", "k", null);

        assertThat(policy.isPermanent(failed(crash, "1"))).isFalse();
        assertThat(policy.isPermanent(failed(crash, "4"))).isFalse();
        assertThat(policy.isLastReceive(failed(crash, "5"))).isTrue();
        assertThat(policy.isLastReceive(failed(crash, null))).isFalse();
    }

    @Test
    void theReasonIsOneLineWithNothingAnSqsAttributeRefuses() {
        // an SDK or ffmpeg message quoting a stranger's key raw: ESC sequences, BEL, a line break, half an emoji
        TranscodeFailedException quoting = new TranscodeFailedException(
                "cannot read s3://b/\u001b[31mred\u0007\r\nforged line \ud83c.mov", "b", "k", null);

        String reason = policy.reason(failed(quoting, "1"));

        assertThat(reason).isEqualTo("TranscodeFailedException: cannot read s3://b/\\u001b[31mred\\u0007 forged line"
                + " \\ud83c.mov");
        // SQS: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF, as code points
        assertThat(reason.codePoints()).allMatch(cp -> cp >= 0x20 && (cp < 0xd800 || cp > 0xdfff) && cp != 0xfffe
                && cp != 0xffff);
    }

    private static Exchange failed(Exception e, String receiveCount) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        if (receiveCount != null) {
            exchange.getMessage().setHeader("CamelAwsSqsAttributes", Map.of("ApproximateReceiveCount", receiveCount));
        }
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, e);
        return exchange;
    }
}
