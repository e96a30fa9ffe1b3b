package io.videopipeline.localcloud.sns;

import java.util.LinkedHashMap;
import java.util.Map;

/** A topic as persisted: only the attributes a caller set; computed ones are derived on read. */
final class Topic {
    public String arn;
    public String name;
    public Map<String, String> attributes = new LinkedHashMap<>();
    public Map<String, String> tags = new LinkedHashMap<>();

    Topic() {
    }

    Topic(String arn, String name) {
        this.arn = arn;
        this.name = name;
    }

    Topic copy() {
        Topic t = new Topic(arn, name);
        t.attributes.putAll(attributes);
        t.tags.putAll(tags);
        return t;
    }
}
