package io.videopipeline.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Static checks of {@code config/aws/cloudformation.yaml} (no AWS needed): every reference resolves, and
 * the wiring is the one {@link Provisioner} creates, with the names of {@link ProvisionSettings#defaults()}.
 */
class CloudFormationTemplateTest {

    private static final Path TEMPLATE = Path.of("config", "aws", "cloudformation.yaml");
    private static final Path POLICY = Path.of("config", "aws", "iam-policy.json");
    private static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NotificationARNs",
            "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

    private static Map<String, Object> template;
    private static Map<String, Object> parameters;
    private static Map<String, Object> resources;
    private static Map<String, Object> conditions;
    private static final ProvisionSettings DEFAULTS = ProvisionSettings.defaults();

    @BeforeAll
    static void parse() throws IOException {
        template = load(TEMPLATE);
        parameters = map(template.get("Parameters"));
        resources = map(template.get("Resources"));
        conditions = map(template.get("Conditions"));
        assertThat(resources).as("Resources of %s", TEMPLATE).isNotEmpty();
    }

    @Test
    void everyRefGetAttAndSubVariableNamesAParameterResourceOrPseudoParameter() {
        List<String> unresolved = new ArrayList<>();
        walk(template, "", (path, function, argument) -> {
            switch (function) {
                case "Ref" -> {
                    String name = (String) argument;
                    if (!parameters.containsKey(name) && !resources.containsKey(name)
                            && !PSEUDO_PARAMETERS.contains(name)) {
                        unresolved.add(path + ": !Ref " + name);
                    }
                }
                case "Fn::GetAtt" -> {
                    String resource = (String) list(argument).get(0);
                    if (!resources.containsKey(resource)) {
                        unresolved.add(path + ": !GetAtt " + resource);
                    }
                }
                case "Fn::Sub" -> {
                    String text = argument instanceof List<?> l ? (String) l.get(0) : (String) argument;
                    Set<String> local = argument instanceof List<?> l ? map(l.get(1)).keySet() : Set.of();
                    Matcher m = SUB_VARIABLE.matcher(text);
                    while (m.find()) {
                        String name = m.group(1);
                        String head = name.contains(".") && !name.startsWith("AWS::") ? name.substring(0, name.indexOf('.')) : name;
                        boolean ok = local.contains(name) || parameters.containsKey(name)
                                || PSEUDO_PARAMETERS.contains(name) || resources.containsKey(head);
                        if (!ok) {
                            unresolved.add(path + ": !Sub ${" + name + "}");
                        }
                    }
                }
                default -> { }
            }
        });
        assertThat(unresolved).as("references to nothing declared in %s", TEMPLATE).isEmpty();
    }

    @Test
    void everyConditionUsedIsDeclaredAndEveryDependsOnIsAResource() {
        List<String> missing = new ArrayList<>();
        walk(template, "", (path, function, argument) -> {
            if (function.equals("Fn::If") && !conditions.containsKey((String) list(argument).get(0))) {
                missing.add(path + ": !If " + list(argument).get(0));
            }
            if (function.equals("Condition") && argument instanceof String name && !conditions.containsKey(name)) {
                missing.add(path + ": Condition " + name);
            }
        });
        for (String section : List.of("Resources", "Outputs")) {
            map(template.get(section)).forEach((name, body) -> {
                Object condition = map(body).get("Condition");
                if (condition != null && !conditions.containsKey((String) condition)) {
                    missing.add(section + "." + name + ": Condition " + condition);
                }
            });
        }
        resources.forEach((name, body) -> {
            Object dependsOn = map(body).get("DependsOn");
            List<?> targets = dependsOn == null ? List.of() : dependsOn instanceof List<?> l ? l : List.of(dependsOn);
            for (Object target : targets) {
                if (!resources.containsKey((String) target)) {
                    missing.add("Resources." + name + ": DependsOn " + target);
                }
            }
        });
        assertThat(missing).as("undeclared conditions or DependsOn targets").isEmpty();
    }

    @Test
    void parameterDefaultsAreTheProvisionersNames() {
        assertThat(defaultOf("UploadBucketName")).isEqualTo(DEFAULTS.uploadBucket());
        assertThat(defaultOf("TranscodedBucketName")).isEqualTo(DEFAULTS.transcodedBucket());
        assertThat(defaultOf("UploadQueueName")).isEqualTo(DEFAULTS.uploadQueue());
        assertThat(defaultOf("EmailQueueName")).isEqualTo(DEFAULTS.emailQueue());
        assertThat(defaultOf("AclQueueName")).isEqualTo(DEFAULTS.aclQueue());
        assertThat(defaultOf("MetadataQueueName")).isEqualTo(DEFAULTS.metadataQueue());
        assertThat(defaultOf("TopicName")).isEqualTo(DEFAULTS.topic());
        assertThat(defaultOf("MaxReceiveCount")).isEqualTo(String.valueOf(DEFAULTS.maxReceiveCount()));
    }

    @Test
    void uploadBucketNotifiesTheUploadQueueOfEveryObjectCreated() {
        Map<String, Object> bucket = resourceNamed("AWS::S3::Bucket", DEFAULTS.uploadBucket());
        Map<String, Object> notification = map(properties(bucket).get("NotificationConfiguration"));
        assertThat(notification).containsOnlyKeys("QueueConfigurations");
        List<?> queueConfigs = list(notification.get("QueueConfigurations"));
        assertThat(queueConfigs).hasSize(1);
        Map<String, Object> config = map(queueConfigs.get(0));
        assertThat(config.get("Event")).isEqualTo(Provisioner.OBJECT_CREATED);
        assertThat(config).doesNotContainKey("Filter");
        String queue = getAttResource(config.get("Queue"), "Arn");
        assertThat(resolve(properties(map(resources.get(queue))).get("QueueName"))).isEqualTo(DEFAULTS.uploadQueue());
        // S3 checks the destination when the notification is set: the queue policy must come first.
        assertThat(dependsOn(bucket)).contains(policyResourceFor("AWS::SQS::QueuePolicy", queue));
    }

    @Test
    void transcodedBucketNotifiesTheTopicOfMp4AndMasterPlaylistObjectsOnly() {
        Map<String, Object> bucket = resourceNamed("AWS::S3::Bucket", DEFAULTS.transcodedBucket());
        Map<String, Object> notification = map(properties(bucket).get("NotificationConfiguration"));
        assertThat(notification).containsOnlyKeys("TopicConfigurations");
        List<?> topicConfigs = list(notification.get("TopicConfigurations"));
        // one rule per suffix, the same as provision writes (pipeline.provision.transcoded-suffixes)
        assertThat(DEFAULTS.transcodedSuffixes()).containsExactly(".mp4", ".m3u8");
        List<String> suffixes = new java.util.ArrayList<>();
        for (Object each : topicConfigs) {
            Map<String, Object> config = map(each);
            assertThat(config.get("Event")).isEqualTo(Provisioner.OBJECT_CREATED);
            String topic = refTarget(config.get("Topic"));
            assertThat(resolve(properties(map(resources.get(topic))).get("TopicName"))).isEqualTo(DEFAULTS.topic());
            assertThat(dependsOn(bucket)).contains(policyResourceFor("AWS::SNS::TopicPolicy", topic));
            List<?> rules = list(map(map(config.get("Filter")).get("S3Key")).get("Rules"));
            assertThat(rules).hasSize(1);
            assertThat(map(rules.get(0))).containsEntry("Name", "suffix");
            suffixes.add((String) map(rules.get(0)).get("Value"));
        }
        assertThat(suffixes).containsExactlyElementsOf(DEFAULTS.transcodedSuffixes());
        // and the shipped configuration asks provision for the same rules
        assertThat(io.videopipeline.cli.ProvisionCommand.settings(io.videopipeline.config.PipelineConfig.load(
                Path.of("config"), "aws", Map.of(), Map.of())).transcodedSuffixes())
                .containsExactlyElementsOf(DEFAULTS.transcodedSuffixes());
    }

    @Test
    void theTopicFansOutToTheThreeQueuesInSnsEnvelopes() {
        Map<String, String> subscribed = new LinkedHashMap<>();
        resources.forEach((name, body) -> {
            Map<String, Object> resource = map(body);
            if ("AWS::SNS::Subscription".equals(resource.get("Type")) && "sqs".equals(properties(resource).get("Protocol"))
                    && !name.startsWith("JobEvent")) { // report-job-state's and the job event stream's: checked below
                Map<String, Object> props = properties(resource);
                String queue = getAttResource(props.get("Endpoint"), "Arn");
                subscribed.put(resolve(properties(map(resources.get(queue))).get("QueueName")),
                        resolve(properties(map(resources.get(refTarget(props.get("TopicArn"))))).get("TopicName")));
                assertThat(props.get("RawMessageDelivery")).as("%s RawMessageDelivery", name).isEqualTo(false);
                assertThat(resource.get("Condition")).as("%s is unconditional", name).isNull();
            }
        });
        assertThat(subscribed).containsOnlyKeys(DEFAULTS.fanOutQueues().toArray(String[]::new));
        assertThat(subscribed.values()).containsOnly(DEFAULTS.topic());
        // ... and the queues let the topic deliver.
        Map<String, Object> fanOutPolicy = map(resources.get(policyResourceFor("AWS::SQS::QueuePolicy",
                getAttResource(properties(map(resources.get(subscriptionFor(DEFAULTS.emailQueue())))).get("Endpoint"), "Arn"))));
        assertThat(statementPrincipals(fanOutPolicy)).contains("sns.amazonaws.com");
    }

    @Test
    void everyWorkQueueHasADeadLetterQueueAfterFiveReceivesAnd64KbMessages() {
        Set<String> work = new TreeSet<>();
        resources.forEach((name, body) -> {
            Map<String, Object> resource = map(body);
            if (!"AWS::SQS::Queue".equals(resource.get("Type")) || !properties(resource).containsKey("RedrivePolicy")
                    || resource.containsKey("Condition")) { // optional queues: checked below
                return;
            }
            Map<String, Object> props = properties(resource);
            String queueName = resolve(props.get("QueueName"));
            work.add(queueName);
            Map<String, Object> redrive = map(props.get("RedrivePolicy"));
            assertThat(resolve(redrive.get("maxReceiveCount"))).as("%s maxReceiveCount", name)
                    .isEqualTo(String.valueOf(DEFAULTS.maxReceiveCount()));
            String dlq = getAttResource(redrive.get("deadLetterTargetArn"), "Arn");
            assertThat(resolve(properties(map(resources.get(dlq))).get("QueueName"))).as("%s dead-letter queue", name)
                    .isEqualTo(queueName + DEFAULTS.deadLetterSuffix());
            assertThat(props.get("MaximumMessageSize")).as("%s MaximumMessageSize", name)
                    .isEqualTo(DEFAULTS.maximumMessageSize());
        });
        // the work queues of S3 and SNS events, and the split-and-stitch task queue the workers send to
        assertThat(work).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(DEFAULTS.workQueues()
                .stream(), java.util.stream.Stream.of("transcode-chunks")).toList());
    }

    @Test
    void theStandalonePolicyIsTheTemplatesUnconditionalRunnerPolicy() throws IOException {
        JsonNode standalone = new ObjectMapper().readTree(POLICY.toFile());
        Map<String, Set<String>> fromJson = new LinkedHashMap<>();
        for (JsonNode statement : standalone.get("Statement")) {
            Set<String> actions = new TreeSet<>();
            JsonNode action = statement.get("Action");
            if (action.isArray()) {
                action.forEach(a -> actions.add(a.asText()));
            } else {
                actions.add(action.asText());
            }
            fromJson.put(statement.get("Sid").asText(), actions);
        }
        Map<String, Object> runnerPolicy = resourceOfType("AWS::IAM::ManagedPolicy");
        Map<String, Set<String>> fromTemplate = new LinkedHashMap<>();
        for (Object statement : list(map(properties(runnerPolicy).get("PolicyDocument")).get("Statement"))) {
            Map<String, Object> s = map(statement);
            if (s.containsKey("Fn::If")) {
                continue; // per-backend / per-transport statements: documented in config/aws/README.md
            }
            Object action = s.get("Action");
            if (action instanceof Map<?, ?> chosen) { // !If [UseAcls, with PutObjectAcl, without]
                action = list(chosen.get("Fn::If")).get(1);
            }
            fromTemplate.put((String) s.get("Sid"), action instanceof List<?> l
                    ? l.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new))
                    : new TreeSet<>(Set.of((String) action)));
        }
        assertThat(fromJson).isEqualTo(fromTemplate);
        assertThat(standalone.toString()).doesNotContain("\"Action\":\"*\"").doesNotContain("s3:*").doesNotContain("sqs:*");
    }

    @Test
    void theOptionalNamesAreTheShippedConfigsAndTheProvisionersWithBothOptionsOn() {
        io.videopipeline.config.PipelineConfig config = io.videopipeline.config.PipelineConfig.load(Path.of("config"),
                "aws", Map.of(), Map.of("pipeline.mail.transport", "sns", "pipeline.job-events.enabled", "true",
                        "pipeline.transcoder", "elastictranscoder"));
        ProvisionSettings provisioned = io.videopipeline.cli.ProvisionCommand.settings(config);
        assertThat(defaultOf("MailTopicName")).isEqualTo(provisioned.mailTopic());
        assertThat(defaultOf("JobEventsQueueName")).isEqualTo(provisioned.jobEventsQueue());
        assertThat(defaultOf("JobEventsTopicName")).isEqualTo(provisioned.jobEventsTopic());
        assertThat(defaultOf("JobEvents")).isEqualTo(config.withOverrides(Map.of("pipeline.job-events.enabled",
                "false")).get("pipeline.job-events.enabled"));
        // MediaConvert's job events come by EventBridge: no topic, in the template as in the provisioner.
        assertThat(io.videopipeline.cli.ProvisionCommand.settings(config.withOverrides(Map.of("pipeline.transcoder",
                "mediaconvert"))).hasJobEventsTopic()).isFalse();
        assertThat(io.videopipeline.cli.ProvisionCommand.settings(config.withOverrides(Map.of("pipeline.mail.transport",
                "smtp", "pipeline.job-events.enabled", "false"))))
                .satisfies(p -> assertThat(p.hasMailTopic() || p.hasJobEvents()).isFalse());
    }

    @Test
    void bothBucketsGetTheProvisionersCorsRuleForTheShippedOrigins() {
        List<String> origins = io.videopipeline.cli.ProvisionCommand.settings(io.videopipeline.config.PipelineConfig.load(
                Path.of("config"), "aws", Map.of(), Map.of())).corsAllowedOrigins();
        assertThat(origins).isNotEmpty();
        assertThat(List.of(defaultOf("CorsAllowedOrigins").split(","))).isEqualTo(origins);
        assertThat(conditions).containsKey("HasCorsOrigins");
        assertCorsRule(resourceNamed("AWS::S3::Bucket", DEFAULTS.transcodedBucket()), CorsRules.playback(origins));
        assertCorsRule(resourceNamed("AWS::S3::Bucket", DEFAULTS.uploadBucket()), CorsRules.upload(origins));
    }

    /** The bucket's rule, present only with HasCorsOrigins, is {@code wanted} in CloudFormation's property names. */
    private static void assertCorsRule(Map<String, Object> bucket, software.amazon.awssdk.services.s3.model.CORSRule wanted) {
        List<?> choice = list(map(properties(bucket).get("CorsConfiguration")).get("Fn::If"));
        assertThat(choice.get(0)).isEqualTo("HasCorsOrigins");
        assertThat(choice.get(2)).isEqualTo(Map.of("Ref", "AWS::NoValue"));
        Map<String, Object> rule = map(list(map(choice.get(1)).get("CorsRules")).get(0));
        assertThat(rule.get("Id")).isEqualTo(wanted.id());
        assertThat(map(rule.get("AllowedOrigins")).get("Fn::Split")).isEqualTo(List.of(",", Map.of("Ref", "CorsAllowedOrigins")));
        assertThat(rule.get("AllowedMethods")).isEqualTo(wanted.allowedMethods());
        assertThat(rule.get("AllowedHeaders")).isEqualTo(wanted.allowedHeaders());
        assertThat(rule.get("ExposedHeaders")).isEqualTo(wanted.exposeHeaders());
        assertThat(rule.get("MaxAge")).isEqualTo(wanted.maxAgeSeconds());
    }

    @Test
    void theMailTopicExistsAndMayBePublishedToOnlyWithSnsMail() {
        assertThat(conditions.get("UseSnsMail")).isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "MailTransport"), "sns")));
        Map<String, Object> mailTopic = map(resources.get("MailTopic"));
        assertThat(mailTopic).containsEntry("Type", "AWS::SNS::Topic").containsEntry("Condition", "UseSnsMail");
        assertThat(resolve(properties(mailTopic).get("TopicName"))).isEqualTo("transcoded-video-mail");
        Map<String, Object> publish = conditionalStatements("UseSnsMail").get("PublishMail");
        assertThat(publish.get("Action")).isEqualTo("sns:Publish");
        assertThat(refTarget(publish.get("Resource"))).isEqualTo("MailTopic");
        // unconditionally the runner publishes only to the job event stream (jobs package), never to the mail topic
        assertThat(unconditionalActions()).filteredOn(a -> a.startsWith("sns:"))
                .containsOnly("sns:Publish", "sns:ListTopics");
        assertThat(refTarget(unconditionalStatements().get("PublishJobEvents").get("Resource")))
                .isEqualTo("JobEventStreamTopic");
    }

    @Test
    void theJobEventStreamTopicAlwaysExistsAndFeedsReportJobStateWhenItRuns() {
        Map<String, Object> topic = map(resources.get("JobEventStreamTopic"));
        assertThat(topic).containsEntry("Type", "AWS::SNS::Topic").doesNotContainKey("Condition");
        assertThat(resolve(properties(topic).get("TopicName"))).isEqualTo("transcode-job-events");
        Map<String, Object> subscription = map(resources.get("JobEventStreamSubscription"));
        assertThat(subscription).containsEntry("Condition", "UseJobEvents");
        assertThat(refTarget(properties(subscription).get("TopicArn"))).isEqualTo("JobEventStreamTopic");
        assertThat(getAttResource(properties(subscription).get("Endpoint"), "Arn")).isEqualTo("JobEventsQueue");
        assertThat(properties(subscription).get("RawMessageDelivery")).isEqualTo(false);
        Map<String, Object> policy = map(resources.get(policyResourceFor("AWS::SQS::QueuePolicy", "JobEventsQueue")));
        assertThat(list(map(properties(policy).get("PolicyDocument")).get("Statement")))
                .anySatisfy(st -> assertThat(refTarget(map(map(map(st).get("Condition")).get("ArnEquals"))
                        .get("aws:SourceArn"))).isEqualTo("JobEventStreamTopic"));
    }

    @Test
    void theJobEventsQueueWithItsDeadLetterQueueTopicAndPolicyExistOnlyWhenEnabled() {
        assertThat(conditions.get("UseJobEvents")).isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "JobEvents"), "true")));
        Map<String, Object> queue = resourceNamed("AWS::SQS::Queue", "transcode-job-events");
        assertThat(queue).containsEntry("Condition", "UseJobEvents");
        Map<String, Object> redrive = map(properties(queue).get("RedrivePolicy"));
        assertThat(resolve(redrive.get("maxReceiveCount"))).isEqualTo(String.valueOf(DEFAULTS.maxReceiveCount()));
        Map<String, Object> dlq = map(resources.get(getAttResource(redrive.get("deadLetterTargetArn"), "Arn")));
        assertThat(dlq).containsEntry("Condition", "UseJobEvents");
        assertThat(resolve(properties(dlq).get("QueueName"))).isEqualTo("transcode-job-events" + DEFAULTS.deadLetterSuffix());
        assertThat(properties(dlq).get("MessageRetentionPeriod")).isEqualTo(Provisioner.DEAD_LETTER_RETENTION);
        // Elastic Transcoder (and anything not MediaConvert): a topic, subscribed in SNS envelopes.
        assertThat(map(resources.get("JobEventsTopic"))).containsEntry("Condition", "JobEventsByTopic");
        assertThat(resolve(properties(map(resources.get("JobEventsTopic"))).get("TopicName")))
                .isEqualTo("transcode-job-notifications");
        Map<String, Object> subscription = map(resources.get("JobEventsSubscription"));
        assertThat(subscription).containsEntry("Condition", "JobEventsByTopic");
        assertThat(refTarget(properties(subscription).get("TopicArn"))).isEqualTo("JobEventsTopic");
        assertThat(properties(subscription).get("RawMessageDelivery")).isEqualTo(false);
        // MediaConvert: an EventBridge rule targeting the queue.
        Map<String, Object> rule = map(resources.get("JobEventsRule"));
        assertThat(rule).containsEntry("Type", "AWS::Events::Rule").containsEntry("Condition", "JobEventsByRule");
        assertThat(getAttResource(map(list(properties(rule).get("Targets")).get(0)).get("Arn"), "Arn"))
                .isEqualTo("JobEventsQueue");
        // every state change of this pipeline's jobs (their user metadata names the upload bucket) feeds the records
        Map<String, Object> pattern = map(properties(rule).get("EventPattern"));
        assertThat(pattern.get("detail-type")).isEqualTo(List.of("MediaConvert Job State Change"));
        assertThat(refTarget(list(map(map(pattern.get("detail")).get("userMetadata")).get("source-bucket")).get(0)))
                .isEqualTo("UploadBucketName");
        // The queue's policy lets exactly that topic or rule send.
        Map<String, Object> policy = map(resources.get(policyResourceFor("AWS::SQS::QueuePolicy", "JobEventsQueue")));
        assertThat(policy).containsEntry("Condition", "UseJobEvents");
        List<?> choice = list(map(list(map(properties(policy).get("PolicyDocument")).get("Statement")).get(0)).get("Fn::If"));
        assertThat(choice.get(0)).isEqualTo("JobEventsByTopic");
        assertThat(map(map(choice.get(1)).get("Principal")).get("Service")).isEqualTo("sns.amazonaws.com");
        assertThat(refTarget(map(map(map(choice.get(1)).get("Condition")).get("ArnEquals")).get("aws:SourceArn")))
                .isEqualTo("JobEventsTopic");
        assertThat(map(map(choice.get(2)).get("Principal")).get("Service")).isEqualTo("events.amazonaws.com");
        // The runner may consume that queue and park in its DLQ, only when enabled.
        Map<String, Map<String, Object>> iam = conditionalStatements("UseJobEvents");
        assertThat(getAttResource(iam.get("ConsumeJobEvents").get("Resource"), "Arn")).isEqualTo("JobEventsQueue");
        assertThat(getAttResource(iam.get("ParkJobEventsInDeadLetterQueue").get("Resource"), "Arn"))
                .isEqualTo("JobEventsDeadLetterQueue");
    }

    /** The standalone policies for the optional routes: the template's conditional statements, the default names. */
    @Test
    void theOptionalStandalonePoliciesAreTheTemplatesConditionalStatements() throws IOException {
        Map<Path, String> files = Map.of(Path.of("config", "aws", "iam-policy-mail-sns.json"), "UseSnsMail",
                Path.of("config", "aws", "iam-policy-job-events.json"), "UseJobEvents");
        for (Map.Entry<Path, String> file : files.entrySet()) {
            JsonNode standalone = new ObjectMapper().readTree(file.getKey().toFile());
            Map<String, Set<String>> fromJson = new LinkedHashMap<>();
            for (JsonNode statement : standalone.get("Statement")) {
                fromJson.put(statement.get("Sid").asText(), actions(statement.get("Action")));
                String resource = statement.get("Resource").asText();
                assertThat(resource).as("%s %s", file.getKey(), statement.get("Sid"))
                        .matches("\\*|arn:aws:(sns|sqs):\\$\\{Region}:\\$\\{AccountId}:"
                                + "(transcoded-video-mail|transcode-job-events|transcode-job-events-dlq)");
            }
            Map<String, Set<String>> fromTemplate = new LinkedHashMap<>();
            conditionalStatements(file.getValue()).forEach((sid, statement) -> fromTemplate.put(sid,
                    statement.get("Action") instanceof List<?> l ? l.stream().map(String::valueOf)
                            .collect(Collectors.toCollection(TreeSet::new)) : new TreeSet<>(Set.of((String) statement.get("Action")))));
            assertThat(fromJson).as("%s", file.getKey()).isEqualTo(fromTemplate);
        }
        // the base policy's SNS rights are the job event stream's (jobs package), and no optional route's queue
        JsonNode base = new ObjectMapper().readTree(POLICY.toFile());
        Set<String> snsStatements = new TreeSet<>();
        for (JsonNode statement : base.get("Statement")) {
            if (statement.get("Action").toString().contains("sns:")) {
                snsStatements.add(statement.get("Sid").asText());
            }
            assertThat(statement.get("Resource").toString()).doesNotContain("transcoded-video-mail")
                    .doesNotContain("sqs:${Region}:${AccountId}:transcode-job-events");
        }
        assertThat(snsStatements).containsExactly("FindJobEventTopic", "PublishJobEvents");
    }

    private static Set<String> actions(JsonNode action) {
        Set<String> actions = new TreeSet<>();
        if (action.isArray()) {
            action.forEach(a -> actions.add(a.asText()));
        } else {
            actions.add(action.asText());
        }
        return actions;
    }

    /** The runner policy's statements under {@code !If [condition, statement, !Ref AWS::NoValue]}, by Sid. */
    private static Map<String, Map<String, Object>> conditionalStatements(String condition) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        for (Object statement : list(map(properties(resourceOfType("AWS::IAM::ManagedPolicy")).get("PolicyDocument"))
                .get("Statement"))) {
            List<?> choice = list(map(statement).get("Fn::If"));
            if (!choice.isEmpty() && condition.equals(choice.get(0))) {
                assertThat(choice.get(2)).isEqualTo(Map.of("Ref", "AWS::NoValue"));
                Map<String, Object> s = map(choice.get(1));
                found.put((String) s.get("Sid"), s);
            }
        }
        assertThat(found).as("statements under %s", condition).isNotEmpty();
        return found;
    }

    private static Map<String, Map<String, Object>> unconditionalStatements() {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        for (Object statement : list(map(properties(resourceOfType("AWS::IAM::ManagedPolicy")).get("PolicyDocument"))
                .get("Statement"))) {
            if (!map(statement).containsKey("Fn::If")) {
                found.put((String) map(statement).get("Sid"), map(statement));
            }
        }
        return found;
    }

    private static Set<String> unconditionalActions() {
        Set<String> actions = new TreeSet<>();
        for (Object statement : list(map(properties(resourceOfType("AWS::IAM::ManagedPolicy")).get("PolicyDocument"))
                .get("Statement"))) {
            Object action = map(statement).get("Action");
            if (map(statement).containsKey("Fn::If")) {
                continue;
            }
            if (action instanceof Map<?, ?> chosen) {
                list(chosen.get("Fn::If")).stream().skip(1).forEach(a -> list(a).forEach(x -> actions.add(String.valueOf(x))));
            } else if (action instanceof List<?> l) {
                l.forEach(a -> actions.add(String.valueOf(a)));
            } else {
                actions.add(String.valueOf(action));
            }
        }
        return actions;
    }

    // ---- parsing: CloudFormation's short-form tags become the long form ({"Ref": x}, {"Fn::Sub": y}) ----

    static Map<String, Object> load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object loaded = new Yaml(new CloudFormationConstructor()).load(reader);
            return map(loaded);
        }
    }

    /** Registers !Ref, !GetAtt, !Sub, !If, ... so SnakeYAML does not reject the template's local tags. */
    static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            for (String fn : List.of("Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select",
                    "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "Length", "ToJsonString")) {
                yamlConstructors.put(new Tag("!" + fn), new Intrinsic("Fn::" + fn));
            }
            yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
            yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String name;

            Intrinsic(String name) {
                this.name = name;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    // !GetAtt Resource.Attribute is short for [Resource, Attribute]
                    value = name.equals("Fn::GetAtt") ? List.of(text.split("\\.", 2)) : text;
                } else if (node instanceof SequenceNode sequence) {
                    value = constructSequence(sequence);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                return Map.of(name, value);
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    interface Visitor {
        void visit(String path, String function, Object argument);
    }

    /** Calls the visitor for every single-key map whose key is an intrinsic function or a Condition name. */
    private static void walk(Object node, String path, Visitor visitor) {
        if (node instanceof Map<?, ?> m) {
            if (m.size() == 1) {
                Map.Entry<?, ?> only = m.entrySet().iterator().next();
                String key = String.valueOf(only.getKey());
                if (key.equals("Ref") || key.startsWith("Fn::") || key.equals("Condition")) {
                    visitor.visit(path, key, only.getValue());
                }
            }
            m.forEach((k, v) -> walk(v, path + "/" + k, visitor));
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walk(l.get(i), path + "[" + i + "]", visitor);
            }
        }
    }

    /** A value with parameters at their defaults: a literal, !Ref Parameter or !Sub "${Parameter}...". */
    private static String resolve(Object value) {
        if (value instanceof Map<?, ?> m && m.containsKey("Ref")) {
            return defaultOf((String) m.get("Ref"));
        }
        if (value instanceof Map<?, ?> m && m.get("Fn::Sub") instanceof String text) {
            Matcher matcher = SUB_VARIABLE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                matcher.appendReplacement(out, Matcher.quoteReplacement(defaultOf(matcher.group(1))));
            }
            return matcher.appendTail(out).toString();
        }
        return String.valueOf(value);
    }

    private static String defaultOf(String parameter) {
        Map<String, Object> p = map(parameters.get(parameter));
        assertThat(p).as("parameter %s", parameter).isNotNull().containsKey("Default");
        return String.valueOf(p.get("Default"));
    }

    private static Map<String, Object> resourceNamed(String type, String physicalName) {
        String nameProperty = type.equals("AWS::S3::Bucket") ? "BucketName" : "QueueName";
        return resources.values().stream().map(CloudFormationTemplateTest::map)
                .filter(r -> type.equals(r.get("Type")) && physicalName.equals(resolve(properties(r).get(nameProperty))))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " named " + physicalName));
    }

    private static Map<String, Object> resourceOfType(String type) {
        List<Map<String, Object>> found = resources.values().stream().map(CloudFormationTemplateTest::map)
                .filter(r -> type.equals(r.get("Type"))).toList();
        assertThat(found).as("resources of type %s", type).hasSize(1);
        return found.get(0);
    }

    /** The policy resource of the given type that covers the resource (by !Ref in Queues/Topics). */
    private static String policyResourceFor(String policyType, String target) {
        String listProperty = policyType.equals("AWS::SQS::QueuePolicy") ? "Queues" : "Topics";
        return resources.entrySet().stream()
                .filter(e -> policyType.equals(map(e.getValue()).get("Type")))
                .filter(e -> list(properties(map(e.getValue())).get(listProperty)).stream()
                        .anyMatch(ref -> target.equals(refTarget(ref))))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("no " + policyType + " covers " + target));
    }

    private static String subscriptionFor(String queueName) {
        return resources.entrySet().stream()
                .filter(e -> "AWS::SNS::Subscription".equals(map(e.getValue()).get("Type")))
                .filter(e -> "sqs".equals(properties(map(e.getValue())).get("Protocol")))
                .filter(e -> queueName.equals(resolve(properties(map(resources.get(
                        getAttResource(properties(map(e.getValue())).get("Endpoint"), "Arn")))).get("QueueName"))))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static Set<String> statementPrincipals(Map<String, Object> policyResource) {
        Set<String> principals = new LinkedHashSet<>();
        for (Object statement : list(map(properties(policyResource).get("PolicyDocument")).get("Statement"))) {
            Object service = map(map(statement).get("Principal")).get("Service");
            if (service instanceof List<?> l) {
                l.forEach(s -> principals.add(String.valueOf(s)));
            } else {
                principals.add(String.valueOf(service));
            }
        }
        return principals;
    }

    private static List<String> dependsOn(Map<String, Object> resource) {
        Object d = resource.get("DependsOn");
        return d == null ? List.of() : d instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of((String) d);
    }

    private static String refTarget(Object value) {
        assertThat(value).as("a !Ref").isInstanceOf(Map.class);
        return (String) map(value).get("Ref");
    }

    private static String getAttResource(Object value, String attribute) {
        assertThat(value).as("a !GetAtt").isInstanceOf(Map.class);
        List<?> getAtt = list(map(value).get("Fn::GetAtt"));
        assertThat(getAtt.get(1)).isEqualTo(attribute);
        return (String) getAtt.get(0);
    }

    private static Map<String, Object> properties(Map<String, Object> resource) {
        return map(resource.get("Properties"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }
}
