package io.videopipeline.routing;

import io.videopipeline.failure.FailureClassifier;
import org.apache.camel.Exchange;

import java.util.Map;

/**
 * Decides, for the shared error handler in routes/error-handling.yaml, what a failure means:
 * permanent (dead-letter now, retrying cannot help), or transient (retry; on the message's last
 * allowed receive, dead-letter it ourselves so the reason travels with it instead of SQS's silent
 * redrive).
 */
public final class FailurePolicy {
    private final int maxReceives;

    public FailurePolicy(int maxReceives) {
        this.maxReceives = maxReceives;
    }

    /**
     * Whether the caught failure is permanent on this receive of the message; the rule is
     * {@link FailureClassifier}'s (unknown failures are transient, bounded by the receive count).
     */
    public boolean isPermanent(Exchange exchange) {
        return !FailureClassifier.isTransient(caught(exchange), receiveCount(exchange));
    }

    /** True on the receive after which SQS would move the message to the DLQ without a reason. */
    public boolean isLastReceive(Exchange exchange) {
        int count = receiveCount(exchange);
        return count > 0 && count >= maxReceives;
    }

    /** SQS's ApproximateReceiveCount of the message being handled; 0 if unknown. */
    static int receiveCount(Exchange exchange) {
        Object attributes = exchange.getMessage().getHeader("CamelAwsSqsAttributes");
        if (attributes instanceof Map<?, ?> map) {
            Object count = map.get("ApproximateReceiveCount");
            if (count == null) {
                count = map.get(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
            }
            if (count != null) {
                try {
                    return Integer.parseInt(count.toString());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** One line: the innermost useful message, with CR/LF flattened so logs stay one line per event. */
    public String reason(Exchange exchange) {
        Throwable t = caught(exchange);
        if (t == null) {
            return "unknown failure";
        }
        // one line, and nothing SQS would refuse in the pipeline-error attribute (ESC, BEL, a lone surrogate from
        // a stranger's key in an SDK or ffmpeg message): the dead letter must be sendable
        String message = t.getClass().getSimpleName() + ": " + t.getMessage();
        return io.videopipeline.logging.LogText.safe(message.replaceAll("[\\r\\n\\u0085\\u2028\\u2029]+", " "));
    }

    private static Throwable caught(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return t != null ? t : exchange.getException();
    }
}
