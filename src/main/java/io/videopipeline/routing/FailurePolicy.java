package io.videopipeline.routing;

import org.apache.camel.Exchange;

import java.util.Map;
import java.util.Set;

/**
 * Decides, for the shared error handler in routes/error-handling.yaml, what a failure means:
 * permanent (dead-letter now, retrying cannot help), or transient (retry; on the message's last
 * allowed receive, dead-letter it ourselves so the reason travels with it instead of SQS's silent
 * redrive).
 */
public final class FailurePolicy {
    private static final Set<String> PERMANENT_AWS_CODES = Set.of("AccessDenied", "AccessDeniedException",
            "NoSuchBucket", "InvalidBucketName", "ValidationException", "InvalidParameterValue",
            "ResourceNotFoundException", "AccessControlListNotSupported", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "AuthorizationError");

    private final int maxReceives;

    public FailurePolicy(int maxReceives) {
        this.maxReceives = maxReceives;
    }

    public boolean isPermanent(Exchange exchange) {
        return isPermanent(caught(exchange));
    }

    /** Exceptions that know their own nature say so with {@code isTransient()}; AWS errors by code. */
    public static boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof io.videopipeline.event.PoisonMessageException) {
                return true;
            }
            Boolean transientFlag = transientFlag(t);
            if (transientFlag != null) {
                return !transientFlag;
            }
            if (t instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                    && aws.awsErrorDetails() != null
                    && PERMANENT_AWS_CODES.contains(aws.awsErrorDetails().errorCode())) {
                return true;
            }
        }
        return false;
    }

    /** True on the receive after which SQS would move the message to the DLQ without a reason. */
    public boolean isLastReceive(Exchange exchange) {
        Object attributes = exchange.getMessage().getHeader("CamelAwsSqsAttributes");
        if (attributes instanceof Map<?, ?> map) {
            Object count = map.get("ApproximateReceiveCount");
            if (count == null) {
                count = map.get(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
            }
            if (count != null) {
                try {
                    return Integer.parseInt(count.toString()) >= maxReceives;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /** One line: the innermost useful message, with CR/LF flattened so logs stay one line per event. */
    public String reason(Exchange exchange) {
        Throwable t = caught(exchange);
        if (t == null) {
            return "unknown failure";
        }
        String message = t.getClass().getSimpleName() + ": " + t.getMessage();
        return message.replaceAll("[\\r\\n\\u0085\\u2028\\u2029]+", " ");
    }

    private static Throwable caught(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return t != null ? t : exchange.getException();
    }

    private static Boolean transientFlag(Throwable t) {
        try {
            var m = t.getClass().getMethod("isTransient");
            if (m.getReturnType() == boolean.class) {
                return (Boolean) m.invoke(t);
            }
        } catch (ReflectiveOperationException e) {
            return null;
        }
        return null;
    }
}
