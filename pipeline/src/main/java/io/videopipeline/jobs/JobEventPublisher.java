package io.videopipeline.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.media.RenditionMetadata;
import io.videopipeline.media.SourceMetadata;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Topic;

/**
 * Publishes each state change of a job record to the job event topic ({@code pipeline.jobs.topic}) in Elastic
 * Transcoder's notification shape, so that what was written for ET's notifications reads it unchanged
 * ({@code state} PROGRESSING/COMPLETED/WARNING/ERROR plus SUBMITTED, {@code jobId}, {@code pipelineId},
 * {@code input.key}, {@code outputs[]}, {@code errorCode}/{@code messageDetails}, {@code userMetadata} with the
 * source as the renditions carry it), plus what ET never sent: {@code percentComplete}, {@code etaSeconds},
 * {@code status} (the record's spelling), {@code backend}, {@code attempts}, {@code parkedIn} and the record's key.
 * HTTP(S) subscribers of the topic are the pipeline's webhook.
 *
 * <p>Publishing never fails a job: the record in S3 is the truth, the stream a convenience; a failed publish is
 * logged.
 */
public final class JobEventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(JobEventPublisher.class);
    /** ET's API version, which its notifications carried. */
    static final String VERSION = "2012-09-25";
    private static final Map<JobState, String> SUBJECTS = Map.of(
            JobState.SUBMITTED, "Job %s has been submitted.",
            JobState.PROGRESSING, "Job %s is progressing.",
            JobState.COMPLETE, "Job %s has finished transcoding.",
            JobState.WARNING, "Job %s has a warning.",
            JobState.ERROR, "Job %s has failed.");

    /** Asked at the first event, so a runner builds its SNS client when a job first reports, not at start. */
    private final java.util.function.Supplier<SnsClient> sns;
    private final String topic;
    private final Function<String, String> recordKeys;
    private volatile String topicArn;

    /**
     * @param topic      the topic's ARN or name (looked up once)
     * @param recordKeys a source key's record key, named in each event
     */
    public JobEventPublisher(SnsClient sns, String topic, Function<String, String> recordKeys) {
        this(topic, recordKeys, () -> sns);
    }

    /** The same with the client asked for at the first event (and not before). */
    public static JobEventPublisher onFirstEvent(java.util.function.Supplier<SnsClient> sns, String topic,
                                                 Function<String, String> recordKeys) {
        return new JobEventPublisher(topic, recordKeys, sns);
    }

    private JobEventPublisher(String topic, Function<String, String> recordKeys,
                              java.util.function.Supplier<SnsClient> sns) {
        this.sns = sns;
        this.topic = topic;
        this.recordKeys = recordKeys;
    }

    public void publish(JobRecord record) {
        try {
            String arn = topicArn();
            if (arn == null) {
                LOG.warn("Job event topic '{}' does not exist (run provision): {} of job {} not published", topic,
                        record.state().notification(), record.jobId());
                return;
            }
            sns.get().publish(b -> b.topicArn(arn).subject(subject(record)).message(message(record)));
        } catch (RuntimeException e) {
            LOG.warn("Could not publish {} of job {} to topic {}: {}", record.state().notification(),
                    record.jobId(), topic, e.toString());
        }
    }

    /** The event's JSON. */
    public String message(JobRecord record) {
        ObjectNode m = JobRecordStore.JSON.createObjectNode();
        m.put("state", record.state().notification());
        if (record.reason() != null) {
            m.put("errorCode", record.state() == JobState.WARNING ? "Warning" : "Error");
            m.put("messageDetails", record.reason());
        }
        m.put("version", VERSION);
        m.put("jobId", record.jobId());
        m.put("pipelineId", record.pipelineId() == null ? record.backend() : record.pipelineId());
        m.putObject("input").put("key", record.source().key());
        ArrayNode outputs = m.putArray("outputs");
        int id = 1;
        for (JobRecord.Output o : record.outputs()) {
            ObjectNode n = outputs.addObject();
            n.put("id", String.valueOf(id++));
            if (o.preset() != null) {
                n.put("presetId", o.preset());
            }
            n.put("key", o.key());
            n.put("status", JobState.COMPLETE.status());
            if (o.durationSeconds() != null) {
                n.put("duration", Math.round(o.durationSeconds()));
            }
            if (o.width() != null) {
                n.put("width", o.width());
                n.put("height", o.height());
            }
        }
        ObjectNode user = m.putObject("userMetadata");
        user.put(RenditionMetadata.SOURCE_BUCKET, record.source().bucket());
        user.put(RenditionMetadata.SOURCE_KEY, SourceMetadata.encodeKey(record.source().key()));
        if (record.source().eTag() != null) {
            user.put(RenditionMetadata.SOURCE_ETAG, record.source().eTag());
        }
        m.put("status", record.state().status());
        m.put("backend", record.backend());
        m.put("attempts", record.attempts());
        if (record.percent() != null) {
            m.put("percentComplete", record.percent());
        }
        if (record.etaSeconds() != null) {
            m.put("etaSeconds", record.etaSeconds());
        }
        if (record.parkedIn() != null) {
            m.put("parkedIn", record.parkedIn());
        }
        m.put("jobRecordKey", recordKeys.apply(record.source().key()));
        try {
            return JobRecordStore.JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a job event as JSON", e);
        }
    }

    /** ET's subject lines, and one for Submitted, which ET never announced. */
    static String subject(JobRecord record) {
        return SUBJECTS.get(record.state()).formatted(record.jobId());
    }

    private String topicArn() {
        if (topicArn == null) {
            topicArn = topic.startsWith("arn:") ? topic : sns.get().listTopicsPaginator().topics().stream()
                    .map(Topic::topicArn).filter(arn -> arn.endsWith(":" + topic)).findFirst().orElse(null);
        }
        return topicArn;
    }
}
