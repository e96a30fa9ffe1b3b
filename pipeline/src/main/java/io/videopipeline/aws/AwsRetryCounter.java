package io.videopipeline.aws;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the SDK's own retries (throttling, 5xx, dropped connections) per service, so they show as
 * {@code pipeline_aws_retries_total{service=...}} on the metrics endpoint: the SDK absorbs most transient faults
 * before Camel sees a failure, and without this they would be invisible.
 */
public final class AwsRetryCounter implements ExecutionInterceptor {
    public static final AwsRetryCounter INSTANCE = new AwsRetryCounter();

    private static final ExecutionAttribute<AtomicInteger> ATTEMPTS = new ExecutionAttribute<>("pipeline.attempts");
    private final Map<String, AtomicLong> retries = new ConcurrentHashMap<>();

    private AwsRetryCounter() {
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        AtomicInteger attempts = attributes.getAttribute(ATTEMPTS);
        if (attempts == null) {
            attributes.putAttribute(ATTEMPTS, new AtomicInteger(1));
        } else if (attempts.incrementAndGet() > 1) {
            String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
            counter(service == null ? "unknown" : service).incrementAndGet();
        }
    }

    /** The live counter of one service's retries (created at zero). */
    public AtomicLong counter(String service) {
        return retries.computeIfAbsent(service, s -> new AtomicLong());
    }
}
