package io.videopipeline.localcloud.sns;

import java.util.Map;

import io.videopipeline.localcloud.gateway.AwsErrorWriter;

/** Builds the XML bodies of the SNS Query API (namespace http://sns.amazonaws.com/doc/2010-03-31/). */
final class QueryXml {
    static final String NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";

    private final StringBuilder xml = new StringBuilder(256);

    QueryXml open(String element) {
        xml.append('<').append(element).append('>');
        return this;
    }

    QueryXml close(String element) {
        xml.append("</").append(element).append('>');
        return this;
    }

    QueryXml element(String element, String value) {
        if (value != null) {
            open(element);
            xml.append(escape(value));
            close(element);
        }
        return this;
    }

    /** A map as SNS writes it: {@code <name><entry><key>…</key><value>…</value></entry>…</name>}. */
    QueryXml map(String element, Map<String, String> values) {
        open(element);
        for (Map.Entry<String, String> e : values.entrySet()) {
            open("entry").element("key", e.getKey()).element("value", e.getValue()).close("entry");
        }
        return close(element);
    }

    @Override
    public String toString() {
        return xml.toString();
    }

    static String success(String action, String result, String requestId) {
        StringBuilder sb = new StringBuilder(256);
        sb.append('<').append(action).append("Response xmlns=\"").append(NAMESPACE).append("\">");
        if (result != null) {
            sb.append('<').append(action).append("Result>").append(result).append("</").append(action).append("Result>");
        }
        sb.append("<ResponseMetadata><RequestId>").append(requestId).append("</RequestId></ResponseMetadata>");
        sb.append("</").append(action).append("Response>");
        return sb.toString();
    }

    static String error(SnsError error, String message, String requestId) {
        return AwsErrorWriter.queryBody(NAMESPACE, error.status(), error.code(), message, requestId);
    }

    static String escape(String text) {
        return AwsErrorWriter.Xml.escape(text);
    }
}
