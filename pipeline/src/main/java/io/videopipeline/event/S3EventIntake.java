package io.videopipeline.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.s3.ETags;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotificationRecord;

/**
 * Turns the body of an SQS message into the S3 object events it carries.
 *
 * <p>Accepted bodies:
 * <ul>
 *   <li>an S3 event notification ({@code {"Records": [...]}}), event version 2.x of any minor version;</li>
 *   <li>an SNS notification ({@code "Type": "Notification"}) whose {@code Message} string holds one of these;</li>
 *   <li>an EventBridge event from S3 ({@code "source": "aws.s3"}), e.g. {@code "detail-type": "Object Created"};</li>
 *   <li>{@code s3:TestEvent} (raw or SNS-wrapped), which S3 sends when a notification is configured: it yields no
 *       events and the message should simply be acknowledged.</li>
 * </ul>
 *
 * <p>Anything else throws {@link PoisonMessageException} saying what is wrong and where; no other exception
 * type escapes {@link #parse(String)}. The body is parsed once with our own Jackson limits (size, nesting
 * depth, string length) before the AWS SDK's S3 event model reads the notification, so a hostile body cannot
 * exhaust the stack or the heap.
 *
 * <p>Keys are form-URL-decoded ({@code +} is a space, {@code %2B} a plus, {@code %XX} UTF-8 bytes) through the
 * SDK's {@code S3Object.getUrlDecodedKey()}. EventBridge keys are decoded the same way: AWS's own Powertools
 * ({@code S3EventBridgeNotificationObject.key}) applies {@code unquote_plus} to them, and decoding a key that
 * holds neither {@code +} nor {@code %} changes nothing.
 *
 * <p>Thread-safe; one instance can serve every route.
 */
public final class S3EventIntake {

    /** SQS accepts messages up to 1 MiB (256 KiB before August 2025); S3 notifications are far smaller. */
    public static final int DEFAULT_MAX_BODY_CHARS = 1024 * 1024;
    /** S3 notifications nest 5 levels deep (6 inside SNS); 32 leaves room without risking the stack. */
    public static final int MAX_NESTING_DEPTH = 32;

    private static final Pattern EVENT_VERSION = Pattern.compile("2(\\.\\d+)*");
    private static final int MAX_QUOTED_CHARS = 120;

    /**
     * S3 puts one record in each notification; a message with many is hand-made, and each record costs a job (a
     * message of 1,000 copies of one record once transcoded the same video 47 times).
     */
    public static final int DEFAULT_MAX_RECORDS = 10;

    private final int maxBodyChars;
    private final int maxRecords;
    private final ObjectMapper mapper;

    public S3EventIntake() {
        this(DEFAULT_MAX_BODY_CHARS, DEFAULT_MAX_RECORDS);
    }

    /**
     * @param maxBodyChars bodies longer than this are poison (checked before parsing)
     * @param maxRecords   notifications with more records than this are poison (pipeline.intake.max-records)
     */
    public S3EventIntake(int maxBodyChars, int maxRecords) {
        if (maxBodyChars < 1) {
            throw new IllegalArgumentException("maxBodyChars must be positive, got " + maxBodyChars);
        }
        if (maxRecords < 1) {
            throw new IllegalArgumentException("pipeline.intake.max-records must be at least 1, got " + maxRecords);
        }
        this.maxBodyChars = maxBodyChars;
        this.maxRecords = maxRecords;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(maxBodyChars)
                        .maxNumberLength(40)
                        .maxNameLength(1024)
                        .build())
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /**
     * @param body the SQS message body
     * @return the object events, in message order, each once (a record repeated in one message is one piece of
     *         work: see {@link ObjectEvent#sameObjectEvent}); empty for {@code s3:TestEvent}
     * @throws PoisonMessageException if the body is not one of the accepted shapes
     */
    public List<ObjectEvent> parse(String body) {
        List<ObjectEvent> distinct = new ArrayList<>();
        for (ObjectEvent event : parseRecords(body)) {
            if (distinct.stream().noneMatch(event::sameObjectEvent)) {
                distinct.add(event);
            }
        }
        return distinct;
    }

    /**
     * The dead letter for one record of a message: the original body when the message holds only that record
     * (byte for byte), otherwise the same envelope holding just that record (an SNS notification keeps every
     * field but {@code Message}; a raw S3 notification keeps every field but {@code Records}), so that a
     * redrive of it is processed exactly as that record was and the other records are not done twice.
     *
     * @param body  the SQS message body {@link #parse} accepted
     * @param event one of the events {@link #parse} returned for it
     */
    public String envelopeFor(String body, ObjectEvent event) {
        JsonNode root = readJson(body, "");
        if (root.has("Records")) {
            List<ObjectEvent> events = parseRecords(body);
            if (events.size() <= 1) {
                return body;
            }
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).sameObjectEvent(event)) {
                    ObjectNode one = ((ObjectNode) root).deepCopy();
                    one.set("Records", one.arrayNode().add(root.get("Records").get(i)));
                    return write(one);
                }
            }
            return body;
        }
        JsonNode message = root.get("Message");
        if (message != null && message.isTextual() && root.has("Type")) {
            String inner = envelopeFor(message.asText(), event);
            if (inner.equals(message.asText())) {
                return body;
            }
            ObjectNode copy = ((ObjectNode) root).deepCopy();
            copy.put("Message", inner);
            return write(copy);
        }
        return body; // EventBridge: one event per message
    }

    private String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write back a parsed message: " + e.getOriginalMessage(), e);
        }
    }

    /** Every record's event, aligned with the message's records (duplicates included). */
    private List<ObjectEvent> parseRecords(String body) {
        try {
            return parseEnvelope(body, "");
        } catch (PoisonMessageException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // Belt and braces: whatever slipped past the checks below is still a bad message, not a crash.
            throw new PoisonMessageException("message body could not be read as an S3 event: " + e, e);
        }
    }

    private List<ObjectEvent> parseEnvelope(String body, String where) {
        JsonNode root = readJson(body, where);
        String at = where.isEmpty() ? "message body" : where;
        if (!root.isObject()) {
            throw poison(at + " is " + describe(root) + ", expected a JSON object");
        }
        if (root.has("Records")) {
            try {
                return parseS3Notification(root, where);
            } catch (JsonProcessingException e) {
                throw poison(path(where, "Records") + " could not be re-serialised: " + e.getOriginalMessage(), e);
            }
        }
        if (isTestEvent(root)) {
            return List.of();
        }
        JsonNode type = root.get("Type");
        if (type != null && type.isTextual() && where.isEmpty()) {
            if (!"Notification".equals(type.asText())) {
                throw poison("SNS message of Type " + quote(type.asText()) + " is not a Notification");
            }
            JsonNode message = root.get("Message");
            if (message == null || message.isNull()) {
                throw poison("Message is missing from the SNS notification");
            }
            if (!message.isTextual()) {
                throw poison("Message is " + describe(message) + ", expected a string holding the S3 event");
            }
            return parseEnvelope(message.asText(), "Message");
        }
        JsonNode source = root.get("source");
        if (source != null && root.has("detail-type")) {
            if (!"aws.s3".equals(source.asText())) {
                throw poison(path(where, "source") + " is " + quote(source.asText()) + ", expected 'aws.s3'");
            }
            return List.of(parseEventBridge(root, where));
        }
        throw poison(at + " is not an S3 event: it has no 'Records' (S3 notification), no 'Type' (SNS) and no"
                + " 'source'/'detail-type' (EventBridge)");
    }

    private JsonNode readJson(String body, String where) {
        String what = where.isEmpty() ? "message body" : where;
        if (body == null || body.isBlank()) {
            throw poison(what + " is empty");
        }
        if (body.length() > maxBodyChars) {
            throw poison(what + " is " + body.length() + " characters long, more than the limit of " + maxBodyChars);
        }
        try {
            return mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw poison(what + " exceeds a JSON parsing limit (nesting depth " + MAX_NESTING_DEPTH
                    + ", string length " + maxBodyChars + "): " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw poison(what + " is not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
    }

    private static boolean isTestEvent(JsonNode root) {
        JsonNode event = root.get("Event");
        return event != null && "s3:TestEvent".equals(event.asText());
    }

    // ---- S3 event notification ------------------------------------------------------------------------------

    private List<ObjectEvent> parseS3Notification(JsonNode root, String where) throws JsonProcessingException {
        JsonNode records = root.get("Records");
        String recordsPath = path(where, "Records");
        if (!records.isArray()) {
            throw poison(recordsPath + " is " + describe(records) + ", expected an array");
        }
        if (records.isEmpty()) {
            throw poison(recordsPath + " is empty");
        }
        if (records.size() > maxRecords) {
            throw poison(recordsPath + " holds " + records.size() + " records, more than the limit of " + maxRecords
                    + " (pipeline.intake.max-records; S3 sends one per message)");
        }
        for (int i = 0; i < records.size(); i++) {
            validateRecord(records.get(i), recordsPath + "[" + i + "]");
        }
        // What the pipeline uses is known to be sound: let the SDK model read just that (its own messages carry no
        // position, and it rejects fields we never use, such as an eventTime without a zone from moto 5.2.1).
        S3EventNotification notification;
        try {
            notification = S3EventNotification.fromJson(mapper.writeValueAsString(usedFields(records)));
        } catch (RuntimeException e) {
            throw poison(recordsPath + " was rejected by the AWS SDK S3 event model: " + e.getMessage(), e);
        }
        List<S3EventNotificationRecord> parsed = notification.getRecords();
        List<ObjectEvent> events = new ArrayList<>(parsed.size());
        for (int i = 0; i < parsed.size(); i++) {
            events.add(toEvent(parsed.get(i), textOrNull(records.get(i).get("eventTime")),
                    recordsPath + "[" + i + "]"));
        }
        return events;
    }

    /**
     * The notification reduced to the fields the pipeline uses, with explicit JSON nulls ("versionId": null, as
     * AWS's documentation shows) left out: the SDK reader only tolerates absent fields, not null ones.
     */
    private ObjectNode usedFields(JsonNode records) {
        ObjectNode root = mapper.createObjectNode();
        var array = root.putArray("Records");
        for (JsonNode record : records) {
            ObjectNode used = array.addObject();
            copy(record, used, "eventVersion", "eventSource", "eventName");
            ObjectNode s3 = used.putObject("s3");
            s3.putObject("bucket").put("name", record.get("s3").get("bucket").get("name").asText());
            ObjectNode object = s3.putObject("object");
            JsonNode source = record.get("s3").get("object");
            copy(source, object, "key", "size", "eTag");
            // kept as text when present; a value of another type is not something the pipeline relies on
            for (String name : List.of("versionId", "sequencer")) {
                if (source.path(name).isTextual()) {
                    object.put(name, source.get(name).asText());
                }
            }
        }
        return root;
    }

    private static void copy(JsonNode from, ObjectNode to, String... names) {
        for (String name : names) {
            JsonNode value = from.get(name);
            if (value != null && !value.isNull()) {
                to.set(name, value);
            }
        }
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.isTextual() ? node.asText() : node.toString();
    }

    private void validateRecord(JsonNode record, String at) {
        if (!record.isObject()) {
            throw poison(at + " is " + describe(record) + ", expected an object");
        }
        String source = requireString(record, "eventSource", at);
        if (!"aws:s3".equals(source)) {
            throw poison(at + ".eventSource is " + quote(source) + ", expected 'aws:s3'");
        }
        String version = requireString(record, "eventVersion", at);
        if (!EVENT_VERSION.matcher(version).matches()) {
            throw poison(at + ".eventVersion is " + quote(version) + ": only major version 2 (2.x) is supported");
        }
        requireNonEmptyString(record, "eventName", at);
        // eventTime, awsRegion, userIdentity, requestParameters, ...: never used, so never a reason to refuse work
        // (moto 5.2.1 sends eventTime without a zone); they travel on as text.
        JsonNode s3 = requireObject(record, "s3", at);
        String s3At = at + ".s3";
        JsonNode bucket = requireObject(s3, "bucket", s3At);
        requireNonEmptyString(bucket, "name", s3At + ".bucket");
        JsonNode object = requireObject(s3, "object", s3At);
        String objectAt = s3At + ".object";
        requireNonEmptyString(object, "key", objectAt);
        JsonNode size = object.get("size");
        if (size != null && !size.isNull() && !(size.canConvertToLong() && size.isIntegralNumber()
                && size.asLong() >= 0)) {
            throw poison(objectAt + ".size is " + describe(size) + ", expected a non-negative whole number");
        }
        optionalString(object, "eTag", objectAt);
    }

    private static ObjectEvent toEvent(S3EventNotificationRecord record, String eventTime, String at) {
        var object = record.getS3().getObject();
        String key;
        try {
            key = object.getUrlDecodedKey();
        } catch (IllegalArgumentException e) {
            throw poison(at + ".s3.object.key " + quote(object.getKey()) + " is not valid URL encoding: "
                    + e.getMessage());
        }
        return new ObjectEvent(stripS3Prefix(record.getEventName()), record.getS3().getBucket().getName(), key,
                object.getSizeAsLong(), ETags.unquote(object.getETag()), object.getSequencer(), eventTime,
                object.getVersionId());
    }

    // ---- EventBridge ----------------------------------------------------------------------------------------

    /** EventBridge "reason" values for Object Created, mapped to the S3 notification event names. */
    private static final Map<String, String> CREATED_REASONS = Map.of(
            "PutObject", "ObjectCreated:Put",
            "POST Object", "ObjectCreated:Post",
            "CopyObject", "ObjectCreated:Copy",
            "CompleteMultipartUpload", "ObjectCreated:CompleteMultipartUpload");

    private ObjectEvent parseEventBridge(JsonNode root, String where) {
        String detailType = requireString(root, "detail-type", where);
        String eventTime = textOrNull(root.get("time")); // never used: kept as text, whatever its format
        JsonNode detail = requireObject(root, "detail", where);
        String detailAt = path(where, "detail");
        JsonNode bucket = requireObject(detail, "bucket", detailAt);
        String bucketName = requireNonEmptyString(bucket, "name", detailAt + ".bucket");
        JsonNode object = requireObject(detail, "object", detailAt);
        String objectAt = detailAt + ".object";
        String rawKey = requireNonEmptyString(object, "key", objectAt);
        JsonNode size = object.get("size");
        Long sizeValue = null;
        if (size != null && !size.isNull()) {
            if (!(size.isIntegralNumber() && size.canConvertToLong() && size.asLong() >= 0)) {
                throw poison(objectAt + ".size is " + describe(size) + ", expected a non-negative whole number");
            }
            sizeValue = size.asLong();
        }
        String etag = optionalString(object, "etag", objectAt);
        String versionId = object.path("version-id").isTextual() ? object.get("version-id").asText() : null;
        String sequencer = object.path("sequencer").isTextual() ? object.get("sequencer").asText() : null;
        String reason = optionalString(detail, "reason", detailAt);
        String key;
        try {
            key = java.net.URLDecoder.decode(rawKey, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw poison(objectAt + ".key " + quote(rawKey) + " is not valid URL encoding: " + e.getMessage());
        }
        return new ObjectEvent(eventBridgeName(detailType, reason), bucketName, key, sizeValue, ETags.unquote(etag),
                sequencer, eventTime, versionId);
    }

    private static String eventBridgeName(String detailType, String reason) {
        if ("Object Created".equals(detailType)) {
            return CREATED_REASONS.getOrDefault(reason, "ObjectCreated:" + (reason == null ? "Put" : reason));
        }
        if ("Object Deleted".equals(detailType)) {
            return "ObjectRemoved:" + ("DeleteMarkerCreated".equals(reason) ? "DeleteMarkerCreated" : "Delete");
        }
        // Restores, tagging, ACL changes...: kept under their EventBridge name; never "ObjectCreated:".
        return "EventBridge:" + detailType;
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static String requireString(JsonNode parent, String name, String at) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw poison(path(at, name) + " is missing");
        }
        if (!node.isTextual()) {
            throw poison(path(at, name) + " is " + describe(node) + ", expected a string");
        }
        return node.asText();
    }

    private static String requireNonEmptyString(JsonNode parent, String name, String at) {
        String value = requireString(parent, name, at);
        if (value.isEmpty()) {
            throw poison(path(at, name) + " is empty");
        }
        return value;
    }

    private static String optionalString(JsonNode parent, String name, String at) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw poison(path(at, name) + " is " + describe(node) + ", expected a string");
        }
        return node.asText();
    }

    private static JsonNode requireObject(JsonNode parent, String name, String at) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw poison(path(at, name) + " is missing");
        }
        if (!node.isObject()) {
            throw poison(path(at, name) + " is " + describe(node) + ", expected an object");
        }
        return node;
    }

    private static String path(String at, String name) {
        return at.isEmpty() ? name : at + "." + name;
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string (" + quote(node.asText()) + ")";
            case NUMBER -> "a number (" + node.asText() + ")";
            case BOOLEAN -> "a boolean (" + node.asText() + ")";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** Quotes an untrusted value for an error message: control characters escaped, long values cut. */
    static String quote(String value) {
        int n = Math.min(value.length(), MAX_QUOTED_CHARS);
        StringBuilder out = new StringBuilder("'").append(io.videopipeline.logging.LogText.safe(value.substring(0, n)));
        if (value.length() > n) {
            out.append("...(").append(value.length()).append(" chars)");
        }
        return out.append('\'').toString();
    }

    private static String stripS3Prefix(String eventName) {
        return eventName.startsWith("s3:") ? eventName.substring(3) : eventName;
    }

    private static PoisonMessageException poison(String message) {
        return new PoisonMessageException(message);
    }

    private static PoisonMessageException poison(String message, Throwable cause) {
        return new PoisonMessageException(message, cause);
    }
}
