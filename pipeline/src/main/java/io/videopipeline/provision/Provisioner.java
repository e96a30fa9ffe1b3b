package io.videopipeline.provision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.failure.AwsErrors;
import io.videopipeline.provision.Change.Action;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.NotificationConfigurationFilter;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3KeyFilter;
import software.amazon.awssdk.services.s3.model.TopicConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sns.model.Topic;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Creates every resource of DESIGN.md §1 — two buckets, four work queues with dead-letter queues, the topic, the
 * topic's SQS (and optional email) subscriptions, the access policies S3 and SNS need, and the two bucket
 * notifications — the buckets' CORS rules ({@link CorsRules}, when origins are configured), and what the optional routes use: the mail topic ({@code pipeline.mail.transport=sns}) and the
 * report-job-state queue with its dead-letter queue and topic. Through the AWS SDK v2 clients it is given, so it runs
 * unchanged against the local cloud, LocalStack, moto or AWS.
 *
 * <p>Each step reads the current state first and changes only what differs; the answer lists what was created or
 * updated, so a second run answers with an empty list. {@link #plan()} is the dry run: it only reads
 * (head/get/list calls) and answers what {@link #apply()} would do. Policies are merged, not replaced: statements
 * with other Sids (someone else's grants) are kept; so are other bucket notification configurations.
 */
public final class Provisioner {
    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String OBJECT_CREATED = "s3:ObjectCreated:*";
    static final int DEAD_LETTER_RETENTION = 1_209_600;
    static final String SUFFIX_RULE = "suffix";
    private static final Set<QueueAttributeName> UNKEPT_BY_EMULATORS = Set.of(
            QueueAttributeName.MAXIMUM_MESSAGE_SIZE, QueueAttributeName.MESSAGE_RETENTION_PERIOD, QueueAttributeName.POLICY);

    private final S3Client s3;
    private final SqsClient sqs;
    private final SnsClient sns;
    private final ProvisionSettings settings;
    /** The job event stream's topic (jobs package, {@code pipeline.jobs.topic}); empty for none. */
    private final String jobEventTopic;

    public Provisioner(S3Client s3, SqsClient sqs, SnsClient sns, ProvisionSettings settings) {
        this(s3, sqs, sns, settings, "");
    }

    /** @param jobEventTopic the job event stream's topic, created; empty for none */
    public Provisioner(S3Client s3, SqsClient sqs, SnsClient sns, ProvisionSettings settings, String jobEventTopic) {
        this.jobEventTopic = jobEventTopic == null ? "" : jobEventTopic.trim();
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.sns = Objects.requireNonNull(sns, "sns");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Creates or updates whatever differs; returns what it changed (empty when everything was in place). */
    public List<Change> apply() {
        return new Run(false).execute();
    }

    /** The dry run: reads only, and returns what {@link #apply()} would change now. */
    public List<Change> plan() {
        return new Run(true).execute();
    }

    /** One pass over every resource; ARNs learnt on the way are kept here. */
    private final class Run {
        private final boolean dryRun;
        private final List<Change> changes = new ArrayList<>();
        private final Map<String, String> queueUrls = new LinkedHashMap<>();
        private final Map<String, String> queueArns = new LinkedHashMap<>();
        private String topicArn;
        private boolean warnedAboutAttributes;

        Run(boolean dryRun) {
            this.dryRun = dryRun;
        }

        List<Change> execute() {
            bucket(settings.uploadBucket());
            bucket(settings.transcodedBucket());
            if (!settings.corsAllowedOrigins().isEmpty()) {
                bucketCors(settings.transcodedBucket(), CorsRules.playback(settings.corsAllowedOrigins()));
                bucketCors(settings.uploadBucket(), CorsRules.upload(settings.corsAllowedOrigins()));
            }
            topicArn = topic(settings.topic());
            // Only what the configured routes use: send-mail publishes here with pipeline.mail.transport=sns.
            String mailTopicArn = settings.hasMailTopic() ? mailTopic(settings.mailTopic()) : null;
            String jobEventsTopicArn = settings.hasJobEventsTopic() ? topic(settings.jobEventsTopic()) : null;
            for (String queue : settings.workQueues()) {
                deadLetterQueue(queue + settings.deadLetterSuffix());
                workQueue(queue);
            }
            if (settings.hasChunksQueue()) {
                deadLetterQueue(settings.chunksQueue() + settings.deadLetterSuffix());
                chunksQueue();
            }
            if (settings.hasJobEvents()) {
                deadLetterQueue(settings.jobEventsQueue() + settings.deadLetterSuffix());
                jobEventsQueue(jobEventsTopicArn);
            }
            for (String queue : settings.fanOutQueues()) {
                sqsSubscription(topicArn, settings.topic(), queue);
            }
            if (jobEventsTopicArn != null) {
                sqsSubscription(jobEventsTopicArn, settings.jobEventsTopic(), settings.jobEventsQueue());
            }
            if (!jobEventTopic.isEmpty()) {
                jobEventStream();
            }
            // People who want the mails: on the mail topic if mails go by SNS, else the seed's raw S3 events.
            for (String address : settings.emailSubscriptions()) {
                emailSubscription(mailTopicArn != null ? mailTopicArn : topicArn, address);
            }
            topicPolicy();
            if (settings.bucketNotifications()) {
                uploadBucketNotification();
                transcodedBucketNotification();
            }
            if (!dryRun) {
                LOG.info("Provisioning done: {}", changes.isEmpty() ? "no changes" : changes.size() + " changes");
            }
            return List.copyOf(changes);
        }

        private void record(Action action, String kind, String resource, String detail) {
            Change change = new Change(action, kind, resource, detail);
            changes.add(change);
            LOG.info("{}{}", dryRun ? "[dry run] would " : "", change);
        }

        // ---------------------------------------------------------------------------------- S3

        private void bucket(String name) {
            try {
                s3.headBucket(r -> r.bucket(name));
                return;
            } catch (S3Exception e) {
                if (!AwsErrors.isMissing(e)) {
                    throw new IllegalStateException("Bucket " + name + " cannot be used (HTTP " + e.statusCode()
                            + (e.statusCode() == 403 ? ": it exists and belongs to someone else, or access is denied"
                            : "") + "): " + e.getMessage(), e);
                }
            }
            Region region = s3.serviceClientConfiguration().region();
            if (!dryRun) {
                if (region == null || Region.US_EAST_1.equals(region) || Region.AWS_GLOBAL.equals(region)) {
                    s3.createBucket(r -> r.bucket(name));
                } else {
                    s3.createBucket(r -> r.bucket(name).createBucketConfiguration(c -> c
                            .locationConstraint(BucketLocationConstraint.fromValue(region.id()))));
                }
            }
            record(Action.CREATE, "bucket", name, "");
        }

        /** Puts {@code wanted} among the bucket's CORS rules, replacing the rule with its ID and keeping the others. */
        private void bucketCors(String bucket, CORSRule wanted) {
            List<CORSRule> current = corsRules(bucket);
            if (current.contains(wanted)) {
                return;
            }
            List<CORSRule> rules = new ArrayList<>();
            for (CORSRule rule : current) {
                if (!wanted.id().equals(rule.id())) {
                    rules.add(rule);
                }
            }
            rules.add(wanted);
            if (!dryRun) {
                s3.putBucketCors(r -> r.bucket(bucket).corsConfiguration(c -> c.corsRules(rules)));
            }
            record(Action.UPDATE, "bucket-cors", bucket, String.join(",", wanted.allowedMethods()) + " from "
                    + String.join(", ", wanted.allowedOrigins()));
        }

        /** The bucket's CORS rules; empty when it has none or does not exist yet (dry run). */
        private List<CORSRule> corsRules(String bucket) {
            if (dryRun && changes.stream().anyMatch(c -> c.kind().equals("bucket") && c.resource().equals(bucket))) {
                return List.of();
            }
            try {
                return s3.getBucketCors(b -> b.bucket(bucket)).corsRules();
            } catch (S3Exception e) {
                if (AwsErrors.errorCode(e).filter("NoSuchCORSConfiguration"::equals).isPresent()) {
                    return List.of();
                }
                throw e;
            }
        }

        private void uploadBucketNotification() {
            String queueArn = queueArns.get(settings.uploadQueue());
            QueueConfiguration wanted = QueueConfiguration.builder().id(settings.uploadQueue()).queueArn(queueArn)
                    .eventsWithStrings(OBJECT_CREATED).build();
            NotificationConfiguration current = notifications(settings.uploadBucket());
            boolean present = current.queueConfigurations().stream().anyMatch(q -> queueArn.equals(q.queueArn())
                    && q.eventsAsStrings().contains(OBJECT_CREATED) && rules(q.filter()).isEmpty());
            if (present) {
                return;
            }
            List<QueueConfiguration> queues = new ArrayList<>();
            for (QueueConfiguration q : current.queueConfigurations()) {
                if (!queueArn.equals(q.queueArn()) && !settings.uploadQueue().equals(q.id())) {
                    queues.add(q);
                }
            }
            queues.add(wanted);
            NotificationConfiguration updated = current.toBuilder().queueConfigurations(queues).build();
            if (!dryRun) {
                s3.putBucketNotificationConfiguration(r -> r.bucket(settings.uploadBucket())
                        .notificationConfiguration(updated));
            }
            record(Action.UPDATE, "bucket-notification", settings.uploadBucket(),
                    OBJECT_CREATED + " -> queue " + settings.uploadQueue());
        }

        /**
         * One topic rule per suffix ({@code .mp4}, {@code .m3u8}: S3 filters on prefix and suffix only, and one rule
         * holds one suffix), so the renditions and the master playlists notify, and nothing else of a streaming
         * package does. The first rule keeps the id the single {@code .mp4} rule had ({@code {topic}}), the others are
         * {@code {topic}{suffix}}; every earlier rule of this topic is replaced, so a bucket provisioned with the one
         * rule gets the second on the next run.
         */
        private void transcodedBucketNotification() {
            List<String> suffixes = settings.transcodedSuffixes();
            List<TopicConfiguration> wanted = new ArrayList<>();
            Set<Map<String, String>> wantedRules = new HashSet<>();
            if (suffixes.isEmpty()) {
                wanted.add(TopicConfiguration.builder().id(settings.topic()).topicArn(topicArn)
                        .eventsWithStrings(OBJECT_CREATED).build());
                wantedRules.add(Map.of());
            }
            for (int i = 0; i < suffixes.size(); i++) {
                String suffix = suffixes.get(i);
                // "suffix" as AWS documents it, not the SDK's FilterRuleName.SUFFIX ("Suffix"): S3 takes either,
                // moto only the lower-case name.
                wanted.add(TopicConfiguration.builder().id(i == 0 ? settings.topic() : settings.topic() + suffix)
                        .topicArn(topicArn).eventsWithStrings(OBJECT_CREATED)
                        .filter(NotificationConfigurationFilter.builder().key(S3KeyFilter.builder().filterRules(
                                FilterRule.builder().name(SUFFIX_RULE).value(suffix).build()).build()).build())
                        .build());
                wantedRules.add(Map.of(SUFFIX_RULE, suffix));
            }
            NotificationConfiguration current = notifications(settings.transcodedBucket());
            List<TopicConfiguration> ours = current.topicConfigurations().stream()
                    .filter(t -> topicArn.equals(t.topicArn())).toList();
            boolean present = ours.size() == wanted.size() && ours.stream().allMatch(t ->
                    t.eventsAsStrings().contains(OBJECT_CREATED)) && ours.stream().map(t -> rules(t.filter()))
                    .collect(Collectors.toSet()).equals(wantedRules);
            if (present) {
                return;
            }
            Set<String> ids = wanted.stream().map(TopicConfiguration::id).collect(Collectors.toSet());
            List<TopicConfiguration> topics = new ArrayList<>();
            for (TopicConfiguration t : current.topicConfigurations()) {
                if (!topicArn.equals(t.topicArn()) && !ids.contains(t.id())) {
                    topics.add(t);
                }
            }
            topics.addAll(wanted);
            NotificationConfiguration updated = current.toBuilder().topicConfigurations(topics).build();
            if (!dryRun) {
                s3.putBucketNotificationConfiguration(r -> r.bucket(settings.transcodedBucket())
                        .notificationConfiguration(updated));
            }
            record(Action.UPDATE, "bucket-notification", settings.transcodedBucket(),
                    OBJECT_CREATED + (suffixes.isEmpty() ? "" : " (suffix " + String.join(", ", suffixes) + ")")
                            + " -> topic " + settings.topic());
        }

        /** The bucket's notification configuration; empty when the bucket does not exist yet (dry run). */
        private NotificationConfiguration notifications(String bucket) {
            if (dryRun && changes.stream().anyMatch(c -> c.kind().equals("bucket") && c.resource().equals(bucket))) {
                return NotificationConfiguration.builder().build();
            }
            GetBucketNotificationConfigurationResponse r = s3.getBucketNotificationConfiguration(b -> b.bucket(bucket));
            // Configurations of others are sent back as they are, but with the rule names lower-cased: S3 answers
            // "Prefix"/"Suffix", and an S3 that accepts only the documented spelling (moto) would refuse those.
            return NotificationConfiguration.builder()
                    .queueConfigurations(r.queueConfigurations().stream()
                            .map(q -> q.toBuilder().filter(lowerCased(q.filter())).build()).toList())
                    .topicConfigurations(r.topicConfigurations().stream()
                            .map(t -> t.toBuilder().filter(lowerCased(t.filter())).build()).toList())
                    .lambdaFunctionConfigurations(r.lambdaFunctionConfigurations().stream()
                            .map(l -> l.toBuilder().filter(lowerCased(l.filter())).build()).toList())
                    .eventBridgeConfiguration(r.eventBridgeConfiguration()).build();
        }

        private NotificationConfigurationFilter lowerCased(NotificationConfigurationFilter filter) {
            if (filter == null || filter.key() == null || !filter.key().hasFilterRules()) {
                return filter;
            }
            return filter.toBuilder().key(filter.key().toBuilder().filterRules(filter.key().filterRules().stream()
                    .map(rule -> rule.toBuilder().name(rule.nameAsString().toLowerCase(Locale.ROOT)).build())
                    .toList()).build()).build();
        }

        /** Key filter rules as lower-case name → value (S3 answers "Suffix" for "suffix": the same rule). */
        private Map<String, String> rules(NotificationConfigurationFilter filter) {
            Map<String, String> rules = new LinkedHashMap<>();
            if (filter != null && filter.key() != null) {
                for (FilterRule rule : filter.key().filterRules()) {
                    rules.put(rule.nameAsString().toLowerCase(Locale.ROOT), rule.value());
                }
            }
            return rules;
        }

        // ---------------------------------------------------------------------------------- SNS

        /** The topic's ARN, created if there is no topic of that name. */
        private String topic(String name) {
            Optional<String> existing = findTopic(name);
            if (existing.isPresent()) {
                return existing.get();
            }
            String arn = dryRun ? placeholderArn("sns", name) : sns.createTopic(r -> r.name(name)).topicArn();
            record(Action.CREATE, "topic", arn, "");
            return arn;
        }

        /**
         * pipeline.mail.sns-topic may be a name or an ARN. An ARN is checked as it is (it may be another account's
         * topic that lets us publish); a missing one is created by its name, which must then give that ARN.
         */
        private String mailTopic(String nameOrArn) {
            if (!nameOrArn.startsWith("arn:")) {
                return topic(nameOrArn);
            }
            try {
                sns.getTopicAttributes(r -> r.topicArn(nameOrArn));
                return nameOrArn;
            } catch (SnsException e) {
                if (!AwsErrors.isMissing(e)) {
                    throw e;
                }
            }
            String name = nameOrArn.substring(nameOrArn.lastIndexOf(':') + 1);
            String arn = dryRun ? nameOrArn : sns.createTopic(r -> r.name(name)).topicArn();
            if (!arn.equals(nameOrArn)) {
                throw new IllegalStateException("pipeline.mail.sns-topic names " + nameOrArn + ", which does not exist;"
                        + " creating it here gave " + arn + " (another account or region?): create it there, or"
                        + " give its name");
            }
            record(Action.CREATE, "topic", arn, "");
            return arn;
        }

        private Optional<String> findTopic(String name) {
            return sns.listTopicsPaginator(r -> { }).topics().stream().map(Topic::topicArn)
                    .filter(arn -> arn.endsWith(":" + name)).findFirst();
        }

        private void topicPolicy() {
            String bucketArn = "arn:aws:s3:::" + settings.transcodedBucket();
            ObjectNode statement = allowStatement("AllowS3PublishFrom-" + settings.transcodedBucket(), "s3.amazonaws.com",
                    "SNS:Publish", null, bucketArn, "ArnLike");
            completeStatement(statement, topicArn);
            String current = topicExists(topicArn) ? sns.getTopicAttributes(r -> r.topicArn(topicArn)).attributes().get("Policy")
                    : null;
            merged(current, topicArn, statement).ifPresent(policy -> {
                if (!dryRun) {
                    sns.setTopicAttributes(r -> r.topicArn(topicArn).attributeName("Policy").attributeValue(policy));
                }
                record(Action.UPDATE, "topic-policy", topicArn, "allow s3.amazonaws.com to publish from " + bucketArn);
            });
        }

        /** False only in a dry run for a topic this run would create (it cannot be read). */
        private boolean topicExists(String arn) {
            return !(dryRun && changes.stream().anyMatch(c -> c.kind().equals("topic") && c.resource().equals(arn)));
        }

        private void sqsSubscription(String topic, String topicName, String queue) {
            String queueArn = queueArns.get(queue);
            Optional<software.amazon.awssdk.services.sns.model.Subscription> existing = subscriptions(topic).stream()
                    .filter(s -> "sqs".equals(s.protocol()) && queueArn.equals(s.endpoint())).findFirst();
            if (existing.isEmpty()) {
                if (!dryRun) {
                    sns.subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(queueArn)
                            .attributes(Map.of("RawMessageDelivery", "false")).returnSubscriptionArn(true));
                }
                record(Action.CREATE, "subscription", queue, "sqs " + queueArn + " on " + topicName
                        + " (RawMessageDelivery false)");
                return;
            }
            String arn = existing.get().subscriptionArn();
            String raw = sns.getSubscriptionAttributes(r -> r.subscriptionArn(arn)).attributes()
                    .getOrDefault("RawMessageDelivery", "false");
            if (!"false".equalsIgnoreCase(raw)) {
                if (!dryRun) {
                    sns.setSubscriptionAttributes(r -> r.subscriptionArn(arn).attributeName("RawMessageDelivery")
                            .attributeValue("false"));
                }
                record(Action.UPDATE, "subscription", arn, "RawMessageDelivery " + raw + " -> false");
            }
        }

        /**
         * The job event stream (jobs package): its topic, which the pipeline publishes to (its IAM role's right, no
         * topic policy); report-job-state's queue, when that route runs, subscribes to it, so failures of every
         * backend reach it from one stream. Its HTTP(S) subscribers (webhooks) are the user's to add.
         */
        private void jobEventStream() {
            String arn = topic(jobEventTopic);
            if (settings.hasJobEvents()) {
                ensureQueue(settings.jobEventsQueue(), Map.of(), allowStatement("AllowSnsSendFrom-" + jobEventTopic,
                        "sns.amazonaws.com", "sqs:SendMessage", null, arn, "ArnEquals"));
                sqsSubscription(arn, jobEventTopic, settings.jobEventsQueue());
            }
        }

        private void emailSubscription(String topic, String address) {
            boolean present = subscriptions(topic).stream()
                    .anyMatch(s -> "email".equals(s.protocol()) && address.equalsIgnoreCase(s.endpoint()));
            if (!present) {
                if (!dryRun) {
                    sns.subscribe(r -> r.topicArn(topic).protocol("email").endpoint(address));
                }
                // On AWS the address gets a confirmation mail; until it is clicked the subscription is pending.
                record(Action.CREATE, "subscription", address, "email on " + topic.substring(topic.lastIndexOf(':') + 1));
            }
        }

        private List<software.amazon.awssdk.services.sns.model.Subscription> subscriptions(String topic) {
            if (!topicExists(topic)) {
                return List.of();
            }
            return sns.listSubscriptionsByTopicPaginator(r -> r.topicArn(topic)).subscriptions().stream().toList();
        }

        // ---------------------------------------------------------------------------------- SQS

        /** Dead letters are kept for the SQS maximum of 14 days, time enough to look at them and redrive. */
        private void deadLetterQueue(String name) {
            ensureQueue(name, Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, String.valueOf(DEAD_LETTER_RETENTION)),
                    null);
        }

        private void workQueue(String name) {
            Map<QueueAttributeName, String> wanted = new LinkedHashMap<>();
            wanted.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(settings.visibilityTimeoutSeconds()));
            wanted.put(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, String.valueOf(settings.maximumMessageSize()));
            wanted.put(QueueAttributeName.REDRIVE_POLICY, redrivePolicy(name));
            ObjectNode statement = name.equals(settings.uploadQueue())
                    ? allowStatement("AllowS3SendFrom-" + settings.uploadBucket(), "s3.amazonaws.com", "sqs:SendMessage",
                    null, "arn:aws:s3:::" + settings.uploadBucket(), "ArnLike")
                    : allowStatement("AllowSnsSendFrom-" + settings.topic(), "sns.amazonaws.com", "sqs:SendMessage",
                    null, topicArn, "ArnEquals");
            ensureQueue(name, wanted, statement);
        }

        /**
         * The report-job-state queue: redrive and visibility as a work queue's; no 64 KB cap (MediaConvert's
         * EventBridge events are not S3 events). Its policy lets the job-events topic deliver, when there is one;
         * MediaConvert's EventBridge rule is not made here (config/aws/cloudformation.yaml makes it).
         */
        private void jobEventsQueue(String jobEventsTopicArn) {
            String name = settings.jobEventsQueue();
            Map<QueueAttributeName, String> wanted = new LinkedHashMap<>();
            wanted.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(settings.visibilityTimeoutSeconds()));
            wanted.put(QueueAttributeName.REDRIVE_POLICY, redrivePolicy(name));
            ObjectNode statement = jobEventsTopicArn == null ? null : allowStatement("AllowSnsSendFrom-"
                    + settings.jobEventsTopic(), "sns.amazonaws.com", "sqs:SendMessage", null, jobEventsTopicArn,
                    "ArnEquals");
            ensureQueue(name, wanted, statement);
        }

        /**
         * The split-and-stitch task queue: redrive and visibility as a work queue's, 64 KB (a task is one S3 event
         * record); no policy statement, for only the workers send to it (their IAM policy allows it).
         */
        private void chunksQueue() {
            String name = settings.chunksQueue();
            Map<QueueAttributeName, String> wanted = new LinkedHashMap<>();
            wanted.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(settings.visibilityTimeoutSeconds()));
            wanted.put(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, String.valueOf(settings.maximumMessageSize()));
            wanted.put(QueueAttributeName.REDRIVE_POLICY, redrivePolicy(name));
            ensureQueue(name, wanted, null);
        }

        private String redrivePolicy(String queue) {
            ObjectNode redrive = JSON.createObjectNode();
            redrive.put("deadLetterTargetArn", queueArns.get(queue + settings.deadLetterSuffix()));
            redrive.put("maxReceiveCount", settings.maxReceiveCount());
            return redrive.toString();
        }

        /**
         * Creates the queue with {@code wanted} attributes and policy statement, or sets those that differ. The
         * statement's Resource (the queue's own ARN) is filled in here, once the ARN is known.
         */
        private void ensureQueue(String name, Map<QueueAttributeName, String> wanted, ObjectNode statement) {
            String url = queueUrl(name);
            if (url == null) {
                String arn = placeholderArn("sqs", name);
                Map<QueueAttributeName, String> attributes = new LinkedHashMap<>(wanted);
                if (!dryRun) {
                    url = sqs.createQueue(r -> r.queueName(name).attributesWithStrings(strings(attributes))).queueUrl();
                    arn = queueArn(url);
                }
                queueUrls.put(name, url);
                queueArns.put(name, arn);
                if (statement != null) {
                    completeStatement(statement, arn);
                    String policy = merged(null, name, statement).orElseThrow();
                    if (!dryRun) {
                        String queueUrl = url;
                        sqs.setQueueAttributes(r -> r.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, policy)));
                    }
                }
                record(Action.CREATE, "queue", name, describe(wanted) + (statement == null ? "" : ", policy "
                        + statement.get("Sid").asText()));
                return;
            }
            String queueUrl = url;
            Map<QueueAttributeName, String> current = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.ALL)).attributes();
            String arn = current.get(QueueAttributeName.QUEUE_ARN);
            queueUrls.put(name, url);
            queueArns.put(name, arn);
            boolean keepsAll = keepsAllAttributes(current);
            Map<QueueAttributeName, String> differing = new LinkedHashMap<>();
            for (Map.Entry<QueueAttributeName, String> e : wanted.entrySet()) {
                if ((keepsAll || !UNKEPT_BY_EMULATORS.contains(e.getKey()))
                        && !sameValue(e.getKey(), current.get(e.getKey()), e.getValue())) {
                    differing.put(e.getKey(), e.getValue());
                }
            }
            if (statement != null && keepsAll) {
                completeStatement(statement, arn);
                merged(current.get(QueueAttributeName.POLICY), name, statement)
                        .ifPresent(policy -> differing.put(QueueAttributeName.POLICY, policy));
            }
            if (!differing.isEmpty()) {
                if (!dryRun) {
                    sqs.setQueueAttributes(r -> r.queueUrl(queueUrl).attributes(differing));
                }
                record(Action.UPDATE, "queue", name, describe(differing));
            }
        }

        /**
         * Real SQS (and LocalStack) always answer MaximumMessageSize and MessageRetentionPeriod for "All". ElasticMQ
         * accepts but drops them, and Policy too; comparing them there would report a change on every run. So when
         * they are missing, they are sent at creation but not managed afterwards (local queues need no policy).
         */
        private boolean keepsAllAttributes(Map<QueueAttributeName, String> current) {
            boolean keepsAll = current.containsKey(QueueAttributeName.MAXIMUM_MESSAGE_SIZE);
            if (!keepsAll && !warnedAboutAttributes) {
                warnedAboutAttributes = true;
                LOG.info("This SQS does not keep MaximumMessageSize, MessageRetentionPeriod or Policy (ElasticMQ?); "
                        + "they are set when a queue is created and not compared afterwards");
            }
            return keepsAll;
        }

        private String queueUrl(String name) {
            if (queueUrls.containsKey(name)) {
                return queueUrls.get(name);
            }
            try {
                return sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
            } catch (SqsException e) {
                // By code, not by class: moto's JSON answer reaches us as a plain SqsException (AwsErrors.isMissing).
                if (AwsErrors.isMissing(e)) {
                    return null;
                }
                throw e;
            }
        }

        private String queueArn(String url) {
            return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
        }

        /** An ARN for a resource a dry run would create: region from the client, account from the topic if known. */
        private String placeholderArn(String service, String name) {
            Region region = sqs.serviceClientConfiguration().region();
            String account = "<account-id>";
            if (topicArn != null && !topicArn.contains("<")) {
                account = topicArn.split(":")[4];
            } else if (!queueArns.isEmpty()) {
                account = queueArns.values().stream().filter(a -> !a.contains("<")).map(a -> a.split(":")[4])
                        .findFirst().orElse(account);
            }
            return "arn:aws:" + service + ":" + (region == null ? "us-east-1" : region.id()) + ":" + account + ":" + name;
        }
    }

    // -------------------------------------------------------------------------------------- helpers

    /** SQS answers numbers as strings and a RedrivePolicy in its own JSON layout: compare the meaning. */
    private static boolean sameValue(QueueAttributeName name, String current, String wanted) {
        if (current == null) {
            return false;
        }
        if (name == QueueAttributeName.REDRIVE_POLICY) {
            JsonNode a = parse(current);
            JsonNode b = parse(wanted);
            return a != null && b != null && a.path("deadLetterTargetArn").asText().equals(b.path("deadLetterTargetArn").asText())
                    && a.path("maxReceiveCount").asText().equals(b.path("maxReceiveCount").asText());
        }
        return current.equals(wanted);
    }

    /**
     * Sets the statement's Resource to the queue's or topic's ARN and, for S3 (whose bucket ARNs carry no account),
     * adds the aws:SourceAccount condition AWS recommends against the confused-deputy problem.
     */
    private static void completeStatement(ObjectNode statement, String resourceArn) {
        statement.put("Resource", resourceArn);
        String account = resourceArn.split(":")[4];
        if ("s3.amazonaws.com".equals(statement.path("Principal").path("Service").asText()) && !account.contains("<")) {
            ((ObjectNode) statement.get("Condition")).putObject("StringEquals").put("aws:SourceAccount", account);
        }
    }

    private static ObjectNode allowStatement(String sid, String servicePrincipal, String action, String resource,
                                             String sourceArn, String arnOperator) {
        ObjectNode statement = JSON.createObjectNode();
        statement.put("Sid", sid);
        statement.put("Effect", "Allow");
        statement.putObject("Principal").put("Service", servicePrincipal);
        statement.put("Action", action);
        statement.put("Resource", resource);
        statement.putObject("Condition").putObject(arnOperator).put("aws:SourceArn", sourceArn);
        return statement;
    }

    /**
     * The policy with {@code statement} in it (replacing one with the same Sid, keeping all others), or empty when
     * the current policy already holds exactly that statement.
     */
    private static Optional<String> merged(String currentPolicy, String id, ObjectNode statement) {
        JsonNode current = currentPolicy == null || currentPolicy.isBlank() ? null : parse(currentPolicy);
        ObjectNode policy;
        if (current != null && current.isObject()) {
            policy = ((ObjectNode) current).deepCopy();
        } else {
            policy = JSON.createObjectNode();
            policy.put("Version", "2012-10-17");
            policy.put("Id", id + "-policy");
        }
        ArrayNode statements = JSON.createArrayNode();
        JsonNode existing = policy.get("Statement");
        if (existing != null && existing.isObject()) {
            statements.add(existing);
        } else if (existing != null && existing.isArray()) {
            statements.addAll((ArrayNode) existing);
        }
        String sid = statement.get("Sid").asText();
        for (int i = 0; i < statements.size(); i++) {
            if (sid.equals(statements.get(i).path("Sid").asText())) {
                if (statements.get(i).equals(statement)) {
                    return Optional.empty();
                }
                statements.remove(i);
                break;
            }
        }
        statements.add(statement);
        policy.set("Statement", statements);
        return Optional.of(policy.toString());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Map<String, String> strings(Map<QueueAttributeName, String> attributes) {
        Map<String, String> result = new LinkedHashMap<>();
        attributes.forEach((k, v) -> result.put(k.toString(), v));
        return result;
    }

    private static String describe(Map<QueueAttributeName, String> attributes) {
        List<String> parts = new ArrayList<>();
        attributes.forEach((k, v) -> parts.add(k + "=" + (k == QueueAttributeName.POLICY ? "(policy)" : v)));
        return String.join(", ", parts);
    }
}
