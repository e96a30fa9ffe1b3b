package io.videopipeline.localcloud.sns;

import java.util.LinkedHashMap;
import java.util.Map;

/** A subscription as persisted. Every subscription here is confirmed (see {@link SnsService}). */
final class Subscription {
    public String arn;
    public String topicArn;
    public String protocol;
    public String endpoint;
    public String owner;
    public Map<String, String> attributes = new LinkedHashMap<>();

    Subscription() {
    }

    Subscription(String arn, String topicArn, String protocol, String endpoint, String owner) {
        this.arn = arn;
        this.topicArn = topicArn;
        this.protocol = protocol;
        this.endpoint = endpoint;
        this.owner = owner;
    }

    Subscription copy() {
        Subscription s = new Subscription(arn, topicArn, protocol, endpoint, owner);
        s.attributes.putAll(attributes);
        return s;
    }

    boolean rawMessageDelivery() {
        return "true".equalsIgnoreCase(attributes.get("RawMessageDelivery"));
    }
}
