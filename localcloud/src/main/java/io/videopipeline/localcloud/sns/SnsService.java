package io.videopipeline.localcloud.sns;

import io.videopipeline.localcloud.gateway.AwsAccount;
import io.videopipeline.localcloud.gateway.AwsQueryService;
import io.videopipeline.localcloud.gateway.AwsResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Amazon SNS for the local cloud: the Query API (form-encoded, XML answers) as the AWS SDK v2 and CLI speak it,
 * limited to standard topics and the protocols {@code sqs}, {@code email}, {@code email-json}, {@code http},
 * {@code https}.
 *
 * <p>Differences from AWS, all because nothing can click a confirmation link locally: every subscription is
 * confirmed the moment it is created (no SubscriptionConfirmation message, {@code PendingConfirmation=false}),
 * so Subscribe always answers with the subscription ARN, whatever {@code ReturnSubscriptionArn} says. FIFO
 * topics, SMS, mobile push, Lambda and Firehose subscriptions are rejected with {@code InvalidParameter}.
 * Messages are signed (SignatureVersion 1) with a key made at start whose certificate is not published.
 *
 * <p>Delivery is asynchronous, with retries (see {@link Builder#retryDelays}); Publish never fails because a
 * subscriber does. Topics and subscriptions are kept in {@code <dataDir>/sns/state.json} when a data dir is
 * given, in memory otherwise. Thread-safe.
 */
public final class SnsService implements AwsQueryService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnsService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String DEFAULT_REGION = "us-east-1";
    static final String CONTENT_TYPE = "text/xml";
    static final int MAX_MESSAGE_BYTES = 262_144;
    private static final int PAGE_SIZE = 100;

    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final Pattern SQS_ARN = Pattern.compile("arn:aws[a-z-]*:sqs:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,80}(\\.fifo)?");
    private static final Pattern FEEDBACK_ATTRIBUTE =
            Pattern.compile("(HTTP|Firehose|Lambda|SQS|Application)(Success|Failure)Feedback(RoleArn|SampleRate)");
    private static final Set<String> TOPIC_ATTRIBUTES = Set.of("Policy", "DisplayName", "DeliveryPolicy",
            "KmsMasterKeyId", "SignatureVersion", "TracingConfig", "ArchivePolicy", "DataProtectionPolicy",
            "ContentBasedDeduplication", "FifoTopic");
    private static final Set<String> SUBSCRIPTION_ATTRIBUTES = Set.of("DeliveryPolicy", "FilterPolicy",
            "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy");
    private static final Set<String> PROTOCOLS = Set.of("sqs", "email", "email-json", "http", "https");
    private static final Set<String> AWS_ONLY_PROTOCOLS = Set.of("sms", "lambda", "application", "firehose");
    private static final String DEFAULT_EFFECTIVE_DELIVERY_POLICY = "{\"http\":{\"defaultHealthyRetryPolicy\":"
            + "{\"minDelayTarget\":20,\"maxDelayTarget\":20,\"numRetries\":3,\"numMaxDelayRetries\":0,"
            + "\"numNoDelayRetries\":0,\"numMinDelayRetries\":0,\"backoffFunction\":\"linear\"},"
            + "\"disableSubscriptionOverrides\":false,\"defaultRequestPolicy\":{\"headerContentType\":"
            + "\"text/plain; charset=UTF-8\"}}}";

    private final String accountId;
    private final Path stateFile;
    private final SnsDelivery delivery;
    private final Object lock = new Object();
    private final SnsState state;

    /**
     * @param sqsClient client for the SQS that {@code sqs} subscriptions point at (null: sqs deliveries fail)
     * @param smtpHost  SMTP server for {@code email}/{@code email-json} subscriptions (null: those deliveries fail)
     * @param smtpPort  its port
     * @param dataDir   where {@code sns/state.json} is kept; null keeps everything in memory
     */
    public SnsService(SqsClient sqsClient, String smtpHost, int smtpPort, Path dataDir) {
        this(builder().sqsClient(sqsClient).smtp(smtpHost, smtpPort).dataDir(dataDir));
    }

    private SnsService(Builder b) {
        this.accountId = b.accountId;
        this.stateFile = b.dataDir == null ? null : b.dataDir.resolve("sns").resolve("state.json");
        this.state = SnsState.load(stateFile);
        this.delivery = new SnsDelivery(b.sqsClient, b.smtpHost, b.smtpPort, new SnsEnvelope(b.endpoint.toString()),
                b.retryDelays);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options beyond the constructor's; every one has a default. */
    public static final class Builder {
        private SqsClient sqsClient;
        private String smtpHost;
        private int smtpPort;
        private Path dataDir;
        private URI endpoint = URI.create("http://127.0.0.1:4566");
        private String accountId = AwsAccount.DEFAULT_ID;
        private List<Duration> retryDelays = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(20));

        private Builder() {
        }

        public Builder sqsClient(SqsClient sqsClient) {
            this.sqsClient = sqsClient;
            return this;
        }

        public Builder smtp(String host, int port) {
            if (host != null && (port < 1 || port > 65535)) {
                throw new IllegalArgumentException("SMTP port must be 1..65535, got " + port);
            }
            this.smtpHost = host;
            this.smtpPort = port;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** The URL clients reach SNS on; used in SigningCertURL and UnsubscribeURL. Default http://127.0.0.1:4566. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = AwsAccount.requireValid(accountId);
            return this;
        }

        /** Wait before each retry of a failed delivery; the list's size is the number of retries. Default 1 s, 5 s, 20 s. */
        public Builder retryDelays(List<Duration> retryDelays) {
            this.retryDelays = List.copyOf(retryDelays);
            return this;
        }

        public SnsService build() {
            return new SnsService(this);
        }
    }

    // ------------------------------------------------------------------------------------------ entry points

    /**
     * Handles one Query API request.
     *
     * @param formParams the decoded form (or query-string) parameters, {@code Action} among them
     * @param region     the region the request was signed for (null: us-east-1); topics live per region
     */
    @Override
    public AwsResponse handle(Map<String, String> formParams, String region) {
        String requestId = UUID.randomUUID().toString();
        String action = formParams.get("Action");
        String reg = region == null || region.isBlank() ? DEFAULT_REGION : region;
        try {
            if (action == null || action.isEmpty()) {
                throw new SnsException(SnsError.MISSING_ACTION, "The request must contain the parameter Action.");
            }
            String result = switch (action) {
                case "CreateTopic" -> createTopic(formParams, reg);
                case "DeleteTopic" -> deleteTopic(formParams);
                case "ListTopics" -> listTopics(formParams, reg);
                case "GetTopicAttributes" -> getTopicAttributes(formParams);
                case "SetTopicAttributes" -> setTopicAttributes(formParams);
                case "Subscribe" -> subscribe(formParams);
                case "Unsubscribe" -> unsubscribe(formParams);
                case "ListSubscriptions" -> listSubscriptions(formParams, reg, null);
                case "ListSubscriptionsByTopic" -> listSubscriptions(formParams, reg,
                        QueryParams.required(formParams, "TopicArn"));
                case "GetSubscriptionAttributes" -> getSubscriptionAttributes(formParams);
                case "SetSubscriptionAttributes" -> setSubscriptionAttributes(formParams);
                case "Publish" -> publish(formParams);
                case "PublishBatch" -> publishBatch(formParams);
                case "TagResource" -> tagResource(formParams);
                case "UntagResource" -> untagResource(formParams);
                case "ListTagsForResource" -> listTagsForResource(formParams);
                default -> throw new SnsException(SnsError.INVALID_ACTION,
                        "The action " + action + " is not valid for this endpoint.");
            };
            return new AwsResponse(200, CONTENT_TYPE, QueryXml.success(action, result, requestId));
        } catch (SnsException e) {
            LOG.debug("SNS {} rejected: {} {}", action, e.error().code(), e.getMessage());
            return new AwsResponse(e.error().status(), CONTENT_TYPE, QueryXml.error(e.error(), e.getMessage(), requestId));
        } catch (RuntimeException e) {
            LOG.error("SNS {} failed", action, e);
            return new AwsResponse(500, CONTENT_TYPE,
                    QueryXml.error(SnsError.INTERNAL_ERROR, "Internal error: " + e.getMessage(), requestId));
        }
    }

    /**
     * Publishes as an internal caller (S3 event notifications): no Query round trip.
     *
     * @return the message id
     * @throws SnsException NotFound when the topic does not exist, InvalidParameter for an empty message
     */
    public String publish(String topicArn, String subject, String message) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("TopicArn", Objects.requireNonNull(topicArn, "topicArn"));
        params.put("Message", message);
        if (subject != null) {
            // S3 puts "Amazon S3 Notification" here; keep subjects one ASCII line the way Publish demands.
            params.put("Subject", subject.replaceAll("[\\r\\n]+", " "));
        }
        synchronized (lock) {
            Topic topic = requireTopic(topicArn);
            Notification n = notification(topic, params);
            fanOut(topic, n);
            return n.messageId();
        }
    }

    /** Whether the topic exists (S3 refuses a notification configuration naming an unknown topic). */
    public boolean topicExists(String topicArn) {
        synchronized (lock) {
            return topicArn != null && state.topics.containsKey(topicArn);
        }
    }

    /** Stops delivery; retries still pending are dropped. State is already on disk. */
    @Override
    public void close() {
        delivery.close();
    }

    // ------------------------------------------------------------------------------------------ topics

    private String createTopic(Map<String, String> p, String region) {
        String name = QueryParams.required(p, "Name");
        Map<String, String> attributes = QueryParams.map(p, "Attributes");
        Map<String, String> tags = tags(p);
        if (name.endsWith(".fifo") || "true".equalsIgnoreCase(attributes.get("FifoTopic"))) {
            throw SnsException.invalidParameter("Invalid parameter: FifoTopic Reason: FIFO topics are not supported "
                    + "by this local SNS");
        }
        if (!TOPIC_NAME.matcher(name).matches()) {
            throw SnsException.invalidParameter("Invalid parameter: Topic Name");
        }
        attributes.forEach(this::validateTopicAttribute);
        String arn = "arn:aws:sns:" + region + ":" + accountId + ":" + name;
        synchronized (lock) {
            Topic existing = state.topics.get(arn);
            if (existing != null) {
                for (Map.Entry<String, String> e : attributes.entrySet()) {
                    if (!Objects.equals(effectiveTopicAttributes(existing).get(e.getKey()), e.getValue())) {
                        throw SnsException.invalidParameter("Invalid parameter: Attributes Reason: Topic already "
                                + "exists with different attributes");
                    }
                }
                for (Map.Entry<String, String> e : tags.entrySet()) {
                    if (!Objects.equals(existing.tags.get(e.getKey()), e.getValue())) {
                        throw SnsException.invalidParameter("Invalid parameter: Tags Reason: Topic already exists "
                                + "with different tags");
                    }
                }
                return new QueryXml().element("TopicArn", arn).toString();
            }
            Topic topic = new Topic(arn, name);
            topic.attributes.putAll(attributes);
            topic.tags.putAll(tags);
            state.topics.put(arn, topic);
            save();
            LOG.info("Created SNS topic {}", arn);
        }
        return new QueryXml().element("TopicArn", arn).toString();
    }

    private static Map<String, String> tags(Map<String, String> p) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Map<String, String> tag : QueryParams.indexed(p, "Tags", "member")) {
            String key = tag.get("Key");
            if (key == null || key.isEmpty()) {
                throw SnsException.invalidParameter("Invalid parameter: Tags Reason: a tag has no Key");
            }
            tags.put(key, tag.getOrDefault("Value", ""));
        }
        return tags;
    }

    private String deleteTopic(Map<String, String> p) {
        String arn = QueryParams.required(p, "TopicArn");
        synchronized (lock) {
            // Deleting a topic that does not exist is not an error (AWS: the action is idempotent).
            if (state.topics.remove(arn) != null) {
                state.subscriptions.values().removeIf(s -> s.topicArn.equals(arn));
                save();
                LOG.info("Deleted SNS topic {}", arn);
            }
        }
        return null;
    }

    private String listTopics(Map<String, String> p, String region) {
        List<String> arns = new ArrayList<>();
        synchronized (lock) {
            for (Topic t : state.topics.values()) {
                if (region.equals(arnRegion(t.arn))) {
                    arns.add(t.arn);
                }
            }
        }
        int from = pageStart(p.get("NextToken"), arns.size());
        int to = Math.min(arns.size(), from + PAGE_SIZE);
        QueryXml xml = new QueryXml().open("Topics");
        for (String arn : arns.subList(from, to)) {
            xml.open("member").element("TopicArn", arn).close("member");
        }
        xml.close("Topics");
        if (to < arns.size()) {
            xml.element("NextToken", String.valueOf(to));
        }
        return xml.toString();
    }

    private String getTopicAttributes(Map<String, String> p) {
        synchronized (lock) {
            Topic topic = requireTopic(QueryParams.required(p, "TopicArn"));
            return new QueryXml().map("Attributes", effectiveTopicAttributes(topic)).toString();
        }
    }

    private Map<String, String> effectiveTopicAttributes(Topic topic) {
        long confirmed = state.subscriptions.values().stream().filter(s -> s.topicArn.equals(topic.arn)).count();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("Policy", defaultPolicy(topic.arn));
        a.put("Owner", accountId);
        a.put("SubscriptionsPending", "0");
        a.put("TopicArn", topic.arn);
        a.put("EffectiveDeliveryPolicy", DEFAULT_EFFECTIVE_DELIVERY_POLICY);
        a.put("SubscriptionsConfirmed", String.valueOf(confirmed));
        a.put("DisplayName", "");
        a.put("SubscriptionsDeleted", "0");
        a.putAll(topic.attributes);
        if (topic.attributes.containsKey("DeliveryPolicy")) {
            a.put("EffectiveDeliveryPolicy", topic.attributes.get("DeliveryPolicy"));
        }
        return a;
    }

    private String defaultPolicy(String topicArn) {
        return "{\"Version\":\"2008-10-17\",\"Id\":\"__default_policy_ID\",\"Statement\":[{\"Sid\":"
                + "\"__default_statement_ID\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":"
                + "[\"SNS:GetTopicAttributes\",\"SNS:SetTopicAttributes\",\"SNS:AddPermission\","
                + "\"SNS:RemovePermission\",\"SNS:DeleteTopic\",\"SNS:Subscribe\",\"SNS:ListSubscriptionsByTopic\","
                + "\"SNS:Publish\"],\"Resource\":\"" + topicArn + "\",\"Condition\":{\"StringEquals\":"
                + "{\"AWS:SourceOwner\":\"" + accountId + "\"}}}]}";
    }

    private String setTopicAttributes(Map<String, String> p) {
        String arn = QueryParams.required(p, "TopicArn");
        String name = QueryParams.required(p, "AttributeName");
        String value = p.getOrDefault("AttributeValue", "");
        if ("FifoTopic".equals(name)) {
            throw SnsException.invalidParameter("Invalid parameter: AttributeName Reason: FifoTopic can only be set "
                    + "when the topic is created");
        }
        validateTopicAttribute(name, value);
        synchronized (lock) {
            Topic topic = requireTopic(arn);
            topic.attributes.put(name, value);
            save();
        }
        return null;
    }

    private void validateTopicAttribute(String name, String value) {
        if (!TOPIC_ATTRIBUTES.contains(name) && !FEEDBACK_ATTRIBUTE.matcher(name).matches()) {
            throw SnsException.invalidParameter("Invalid parameter: AttributeName");
        }
        if (("Policy".equals(name) || "DeliveryPolicy".equals(name) || "DataProtectionPolicy".equals(name)
                || "ArchivePolicy".equals(name)) && !value.isEmpty()) {
            requireJsonObject(name, value);
        }
        if ("DisplayName".equals(name) && value.length() > 100) {
            throw SnsException.invalidParameter("Invalid parameter: DisplayName Reason: longer than 100 characters");
        }
    }

    private static void requireJsonObject(String name, String value) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || !node.isObject()) {
                throw SnsException.invalidParameter("Invalid parameter: " + name + " Error: not a JSON object");
            }
        } catch (JsonProcessingException e) {
            throw SnsException.invalidParameter("Invalid parameter: " + name + " Error: " + e.getOriginalMessage());
        }
    }

    private Topic requireTaggable(String arn) {
        Topic topic = state.topics.get(arn);
        if (topic == null) {
            throw new SnsException(SnsError.RESOURCE_NOT_FOUND, "Resource does not exist");
        }
        return topic;
    }

    private String tagResource(Map<String, String> p) {
        String arn = QueryParams.required(p, "ResourceArn");
        Map<String, String> tags = tags(p);
        synchronized (lock) {
            Topic topic = requireTaggable(arn);
            Map<String, String> merged = new LinkedHashMap<>(topic.tags);
            merged.putAll(tags);
            if (merged.size() > 50) {
                throw new SnsException(SnsError.TAG_LIMIT_EXCEEDED, "Could not complete request: tag quota of per "
                        + "resource exceeded");
            }
            topic.tags.putAll(tags);
            save();
        }
        return null;
    }

    private String untagResource(Map<String, String> p) {
        String arn = QueryParams.required(p, "ResourceArn");
        List<String> keys = QueryParams.indexed(p, "TagKeys", "member").stream().map(m -> m.get("")).toList();
        synchronized (lock) {
            Topic topic = requireTaggable(arn);
            keys.forEach(topic.tags::remove);
            save();
        }
        return null;
    }

    private String listTagsForResource(Map<String, String> p) {
        String arn = QueryParams.required(p, "ResourceArn");
        synchronized (lock) {
            Topic topic = requireTaggable(arn);
            QueryXml xml = new QueryXml().open("Tags");
            topic.tags.forEach((k, v) -> xml.open("member").element("Key", k).element("Value", v).close("member"));
            return xml.close("Tags").toString();
        }
    }

    // ------------------------------------------------------------------------------------------ subscriptions

    private String subscribe(Map<String, String> p) {
        String topicArn = QueryParams.required(p, "TopicArn");
        String protocol = QueryParams.required(p, "Protocol");
        String endpoint = p.get("Endpoint");
        Map<String, String> attributes = QueryParams.map(p, "Attributes");
        synchronized (lock) {
            requireTopic(topicArn);
        }
        if (AWS_ONLY_PROTOCOLS.contains(protocol)) {
            throw SnsException.invalidParameter("Invalid parameter: Protocol Reason: " + protocol
                    + " subscriptions are not supported by this local SNS");
        }
        if (!PROTOCOLS.contains(protocol)) {
            throw SnsException.invalidParameter("Invalid parameter: Amazon SNS does not support this protocol string: "
                    + protocol);
        }
        validateEndpoint(protocol, endpoint);
        attributes.forEach((name, value) -> validateSubscriptionAttribute(protocol, name, value));
        synchronized (lock) {
            requireTopic(topicArn);
            for (Subscription existing : state.subscriptions.values()) {
                if (existing.topicArn.equals(topicArn) && existing.protocol.equals(protocol)
                        && existing.endpoint.equals(endpoint)) {
                    for (Map.Entry<String, String> e : attributes.entrySet()) {
                        if (!Objects.equals(normalized(e.getKey(), existing.attributes.get(e.getKey())),
                                normalized(e.getKey(), e.getValue()))) {
                            throw SnsException.invalidParameter("Invalid parameter: Attributes Reason: Subscription "
                                    + "already exists with different attributes");
                        }
                    }
                    return new QueryXml().element("SubscriptionArn", existing.arn).toString();
                }
            }
            String arn = topicArn + ":" + UUID.randomUUID();
            Subscription s = new Subscription(arn, topicArn, protocol, endpoint, accountId);
            attributes.forEach((name, value) -> s.attributes.put(name, normalized(name, value)));
            state.subscriptions.put(arn, s);
            save();
            LOG.info("Subscribed {} {} to {} (confirmed at once, local cloud)", protocol, endpoint, topicArn);
            return new QueryXml().element("SubscriptionArn", arn).toString();
        }
    }

    private static String normalized(String name, String value) {
        if (value != null && "RawMessageDelivery".equals(name)) {
            return value.toLowerCase();
        }
        if (value == null && "RawMessageDelivery".equals(name)) {
            return "false";
        }
        return value;
    }

    private static void validateEndpoint(String protocol, String endpoint) {
        if (endpoint == null || endpoint.isEmpty()) {
            throw SnsException.invalidParameter("Invalid parameter: Endpoint Reason: no value for required parameter");
        }
        switch (protocol) {
            case "sqs" -> {
                if (!SQS_ARN.matcher(endpoint).matches()) {
                    throw SnsException.invalidParameter("Invalid parameter: SQS endpoint ARN");
                }
            }
            case "email", "email-json" -> {
                int at = endpoint.indexOf('@');
                if (at <= 0 || at == endpoint.length() - 1 || endpoint.matches(".*[\\s<>,;\"].*")) {
                    throw SnsException.invalidParameter("Invalid parameter: Email address");
                }
            }
            default -> { // http, https
                if (!endpoint.startsWith(protocol + "://")) {
                    throw SnsException.invalidParameter("Invalid parameter: Endpoint must match the specified protocol");
                }
                try {
                    URI uri = URI.create(endpoint);
                    if (uri.getHost() == null) {
                        throw new IllegalArgumentException("no host");
                    }
                } catch (IllegalArgumentException e) {
                    throw SnsException.invalidParameter("Invalid parameter: Endpoint Reason: not a valid URL");
                }
            }
        }
    }

    private static void validateSubscriptionAttribute(String protocol, String name, String value) {
        if (!SUBSCRIPTION_ATTRIBUTES.contains(name)) {
            throw SnsException.invalidParameter("Invalid parameter: AttributeName");
        }
        switch (name) {
            case "RawMessageDelivery" -> {
                if (!"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value)) {
                    throw SnsException.invalidParameter("Invalid parameter: Attributes Reason: RawMessageDelivery: "
                            + "Invalid value [" + value + "]. Must be true or false.");
                }
                if ("true".equalsIgnoreCase(value) && protocol.startsWith("email")) {
                    throw SnsException.invalidParameter("Invalid parameter: Attributes Reason: Delivery protocol ["
                            + protocol + "] does not support raw message delivery.");
                }
            }
            case "FilterPolicy" -> {
                if (!value.isEmpty()) {
                    FilterPolicy.parse(value);
                }
            }
            case "FilterPolicyScope" -> {
                if (!"MessageAttributes".equals(value) && !"MessageBody".equals(value)) {
                    throw SnsException.invalidParameter("Invalid parameter: Attributes Reason: FilterPolicyScope: "
                            + "Invalid value [" + value + "]. Please use either MessageBody or MessageAttributes");
                }
            }
            case "DeliveryPolicy", "RedrivePolicy", "ReplayPolicy" -> {
                if (!value.isEmpty()) {
                    requireJsonObject(name, value);
                }
            }
            default -> {
            }
        }
    }

    private String unsubscribe(Map<String, String> p) {
        String arn = QueryParams.required(p, "SubscriptionArn");
        if (!arn.startsWith("arn:") || arn.split(":").length != 7) {
            throw SnsException.invalidParameter("Invalid parameter: SubscriptionArn Reason: An ARN must have format "
                    + "arn:<partition>:<service>:<region>:<account-id>:<topic>:<id>");
        }
        synchronized (lock) {
            // Unknown (e.g. already removed) subscriptions are not an error: Unsubscribe is idempotent.
            if (state.subscriptions.remove(arn) != null) {
                save();
                LOG.info("Unsubscribed {}", arn);
            }
        }
        return null;
    }

    private String listSubscriptions(Map<String, String> p, String region, String topicArn) {
        List<Subscription> subscriptions = new ArrayList<>();
        synchronized (lock) {
            if (topicArn != null) {
                requireTopic(topicArn);
            }
            for (Subscription s : state.subscriptions.values()) {
                if (topicArn == null ? region.equals(arnRegion(s.topicArn)) : s.topicArn.equals(topicArn)) {
                    subscriptions.add(s.copy());
                }
            }
        }
        int from = pageStart(p.get("NextToken"), subscriptions.size());
        int to = Math.min(subscriptions.size(), from + PAGE_SIZE);
        QueryXml xml = new QueryXml().open("Subscriptions");
        for (Subscription s : subscriptions.subList(from, to)) {
            xml.open("member").element("TopicArn", s.topicArn).element("Protocol", s.protocol)
                    .element("SubscriptionArn", s.arn).element("Owner", s.owner).element("Endpoint", s.endpoint)
                    .close("member");
        }
        xml.close("Subscriptions");
        if (to < subscriptions.size()) {
            xml.element("NextToken", String.valueOf(to));
        }
        return xml.toString();
    }

    private String getSubscriptionAttributes(Map<String, String> p) {
        synchronized (lock) {
            Subscription s = requireSubscription(QueryParams.required(p, "SubscriptionArn"));
            Map<String, String> a = new LinkedHashMap<>();
            a.put("Owner", s.owner);
            a.put("RawMessageDelivery", "false");
            a.put("TopicArn", s.topicArn);
            a.put("Endpoint", s.endpoint);
            a.put("Protocol", s.protocol);
            a.put("PendingConfirmation", "false");
            a.put("ConfirmationWasAuthenticated", "true");
            a.put("SubscriptionArn", s.arn);
            a.put("SubscriptionPrincipal", "arn:aws:iam::" + accountId + ":root");
            if (s.protocol.startsWith("http")) {
                a.put("EffectiveDeliveryPolicy", DEFAULT_EFFECTIVE_DELIVERY_POLICY);
            }
            a.putAll(s.attributes);
            if (s.attributes.containsKey("FilterPolicy") && !s.attributes.containsKey("FilterPolicyScope")) {
                a.put("FilterPolicyScope", "MessageAttributes");
            }
            return new QueryXml().map("Attributes", a).toString();
        }
    }

    private String setSubscriptionAttributes(Map<String, String> p) {
        String arn = QueryParams.required(p, "SubscriptionArn");
        String name = QueryParams.required(p, "AttributeName");
        String value = p.getOrDefault("AttributeValue", "");
        synchronized (lock) {
            Subscription s = requireSubscription(arn);
            validateSubscriptionAttribute(s.protocol, name, value);
            if (value.isEmpty() && !"RawMessageDelivery".equals(name)) {
                s.attributes.remove(name); // an empty FilterPolicy (etc.) removes it
            } else {
                s.attributes.put(name, normalized(name, value));
            }
            save();
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------ publishing

    private String publish(Map<String, String> p) {
        String topicArn = p.get("TopicArn");
        if (topicArn == null || topicArn.isEmpty()) {
            if (p.containsKey("PhoneNumber") || p.containsKey("TargetArn")) {
                throw SnsException.invalidParameter("Invalid parameter: TargetArn/PhoneNumber Reason: only topic "
                        + "publishing is supported by this local SNS");
            }
            throw SnsException.invalidParameter("Invalid parameter: TopicArn or TargetArn Reason: no value for "
                    + "required parameter");
        }
        synchronized (lock) {
            Topic topic = requireTopic(topicArn);
            Notification n = notification(topic, p);
            fanOut(topic, n);
            return new QueryXml().element("MessageId", n.messageId()).toString();
        }
    }

    private String publishBatch(Map<String, String> p) {
        String topicArn = QueryParams.required(p, "TopicArn");
        List<Map<String, String>> entries = QueryParams.indexed(p, "PublishBatchRequestEntries", "member");
        synchronized (lock) {
            Topic topic = requireTopic(topicArn);
            if (entries.isEmpty()) {
                throw new SnsException(SnsError.EMPTY_BATCH_REQUEST, "The batch request doesn't contain any entries");
            }
            if (entries.size() > 10) {
                throw new SnsException(SnsError.TOO_MANY_ENTRIES_IN_BATCH_REQUEST,
                        "The batch request contains more entries than permissible");
            }
            Set<String> ids = new HashSet<>();
            long totalBytes = 0;
            for (Map<String, String> entry : entries) {
                String id = entry.get("Id");
                if (id == null || !BATCH_ID.matcher(id).matches()) {
                    throw new SnsException(SnsError.INVALID_BATCH_ENTRY_ID, "A batch entry id can only contain "
                            + "alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.");
                }
                if (!ids.add(id)) {
                    throw new SnsException(SnsError.BATCH_ENTRY_IDS_NOT_DISTINCT,
                            "Two or more batch entries in the request have the same Id");
                }
                totalBytes += entry.getOrDefault("Message", "").getBytes(StandardCharsets.UTF_8).length;
            }
            if (totalBytes > MAX_MESSAGE_BYTES) {
                throw new SnsException(SnsError.BATCH_REQUEST_TOO_LONG, "The length of all the messages put together "
                        + "is more than the limit.");
            }
            QueryXml successful = new QueryXml().open("Successful");
            QueryXml failed = new QueryXml().open("Failed");
            for (Map<String, String> entry : entries) {
                try {
                    Notification n = notification(topic, entry);
                    fanOut(topic, n);
                    successful.open("member").element("Id", entry.get("Id")).element("MessageId", n.messageId())
                            .close("member");
                } catch (SnsException e) {
                    failed.open("member").element("Id", entry.get("Id")).element("Code", e.error().code())
                            .element("Message", e.getMessage()).element("SenderFault", "true").close("member");
                }
            }
            return successful.close("Successful").toString() + failed.close("Failed");
        }
    }

    /** Validates one Publish (or batch entry) and turns it into a {@link Notification}. */
    private Notification notification(Topic topic, Map<String, String> p) {
        String message = p.get("Message");
        if (message == null || message.isEmpty()) {
            throw SnsException.invalidParameter("Invalid parameter: Empty message");
        }
        String subject = p.get("Subject");
        if (subject != null && (subject.isEmpty() || subject.length() > 100
                || !subject.chars().allMatch(c -> c >= 0x20 && c < 0x7f))) {
            throw SnsException.invalidParameter("Invalid parameter: Subject");
        }
        Map<String, MessageAttribute> attributes = messageAttributes(p);
        long size = message.getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, MessageAttribute> e : attributes.entrySet()) {
            size += e.getKey().length() + e.getValue().dataType().length() + e.getValue().value().length();
        }
        if (size > MAX_MESSAGE_BYTES) {
            throw SnsException.invalidParameter("Invalid parameter: Message too long");
        }
        Map<String, String> perProtocol = new LinkedHashMap<>();
        String defaultMessage = message;
        String structure = p.get("MessageStructure");
        if (structure != null) {
            if (!"json".equals(structure)) {
                throw SnsException.invalidParameter("Invalid parameter: MessageStructure");
            }
            JsonNode node;
            try {
                node = JSON.readTree(message);
            } catch (JsonProcessingException e) {
                throw SnsException.invalidParameter("Invalid parameter: Message Structure - JSON message body failed "
                        + "to parse");
            }
            if (node == null || !node.isObject() || !node.path("default").isTextual()) {
                throw SnsException.invalidParameter("Invalid parameter: Message Structure - No default entry in JSON "
                        + "message body");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual()) {
                    perProtocol.put(e.getKey(), e.getValue().textValue());
                }
            }
            defaultMessage = perProtocol.remove("default");
        }
        return new Notification(UUID.randomUUID().toString(), topic.arn, subject, defaultMessage, perProtocol,
                attributes, Instant.now());
    }

    private static Map<String, MessageAttribute> messageAttributes(Map<String, String> p) {
        Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
        for (Map<String, String> entry : QueryParams.indexed(p, "MessageAttributes", "entry")) {
            String name = entry.get("Name");
            String type = entry.get("Value.DataType");
            if (name == null || name.isEmpty()) {
                throw SnsException.invalidParameter("Invalid parameter: MessageAttributes Reason: an attribute has no Name");
            }
            if (type == null || !type.matches("(String|Number|Binary)(\\..+)?")) {
                throw SnsException.invalidParameter("Invalid parameter: MessageAttributes Reason: The message attribute '"
                        + name + "' has an invalid message attribute type, the set of supported type prefixes is "
                        + "Binary, Number, and String.");
            }
            MessageAttribute a = new MessageAttribute(type, entry.get("Value.StringValue"), entry.get("Value.BinaryValue"));
            if (a.value() == null || a.value().isEmpty()) {
                throw SnsException.invalidParameter("Invalid parameter: MessageAttributes Reason: The message attribute '"
                        + name + "' must contain non-empty message attribute value for message attribute type '"
                        + type + "'.");
            }
            if ("Binary".equals(a.baseType())) {
                try {
                    Base64.getDecoder().decode(a.binaryValue());
                } catch (IllegalArgumentException e) {
                    throw SnsException.invalidParameter("Invalid parameter: MessageAttributes Reason: The message "
                            + "attribute '" + name + "' has an invalid binary value");
                }
            }
            attributes.put(name, a);
        }
        return attributes;
    }

    /** Hands the notification to every subscription of the topic whose filter policy accepts it. Caller holds lock. */
    private void fanOut(Topic topic, Notification n) {
        String displayName = topic.attributes.get("DisplayName");
        int count = 0;
        for (Subscription s : state.subscriptions.values()) {
            if (!s.topicArn.equals(topic.arn) || !accepts(s, n)) {
                continue;
            }
            delivery.deliver(n, new SnsDelivery.Target(s.copy(), displayName));
            count++;
        }
        LOG.debug("Published message {} to {} ({} deliveries)", n.messageId(), topic.arn, count);
    }

    private static boolean accepts(Subscription s, Notification n) {
        String policy = s.attributes.get("FilterPolicy");
        if (policy == null || policy.isEmpty()) {
            return true;
        }
        try {
            if ("MessageBody".equals(s.attributes.get("FilterPolicyScope"))) {
                return FilterPolicy.matchesBody(policy, n.messageFor(s.protocol));
            }
            return FilterPolicy.matchesAttributes(policy, n.attributes());
        } catch (SnsException e) {
            LOG.warn("Filter policy of {} cannot be evaluated, message {} not delivered: {}", s.arn, n.messageId(),
                    e.getMessage());
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private Topic requireTopic(String arn) {
        Topic topic = state.topics.get(arn);
        if (topic == null) {
            throw SnsException.notFound("Topic does not exist");
        }
        return topic;
    }

    private Subscription requireSubscription(String arn) {
        Subscription s = state.subscriptions.get(arn);
        if (s == null) {
            throw SnsException.notFound("Subscription does not exist");
        }
        return s;
    }

    private static String arnRegion(String arn) {
        String[] parts = arn.split(":");
        return parts.length > 3 ? parts[3] : "";
    }

    private static int pageStart(String nextToken, int size) {
        if (nextToken == null || nextToken.isEmpty()) {
            return 0;
        }
        try {
            int from = Integer.parseInt(nextToken);
            if (from >= 0 && from <= size) {
                return from;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw SnsException.invalidParameter("Invalid parameter: NextToken");
    }

    private void save() {
        state.save(stateFile);
    }
}
