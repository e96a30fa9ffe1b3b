package io.videopipeline.localcloud.sns;

/**
 * A Publish message attribute. {@code binaryValue} stays base64 as it came over the wire: SNS passes it on
 * base64-encoded in the JSON envelope, and the SQS SDK wants the bytes only at raw delivery.
 */
record MessageAttribute(String dataType, String stringValue, String binaryValue) {

    /** The base type: "String", "Number", "Binary" or "String.Array" (custom suffixes after a dot dropped). */
    String baseType() {
        if (dataType.startsWith("String.Array")) {
            return "String.Array";
        }
        int dot = dataType.indexOf('.');
        return dot < 0 ? dataType : dataType.substring(0, dot);
    }

    String value() {
        return "Binary".equals(baseType()) ? binaryValue : stringValue;
    }
}
