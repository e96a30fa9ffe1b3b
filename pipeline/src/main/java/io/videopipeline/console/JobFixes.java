package io.videopipeline.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.event.ObjectEvent;
import io.videopipeline.event.S3EventIntake;
import io.videopipeline.failure.AwsErrors;
import io.videopipeline.jobs.JobRecordKeys;
import io.videopipeline.jobs.ParkedJobs;
import io.videopipeline.routing.DeadLetters;
import io.videopipeline.s3.S3Objects;
import io.videopipeline.transcode.OutputKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the console does about failed jobs: redrive one upload's dead letter ({@code POST /api/uploads/retry}), delete
 * an upload and everything derived from it ({@code DELETE /api/uploads}), and count each queue's dead letters
 * ({@code GET /api/dlq}). A redrive works as {@code dlq redrive} does, for one upload's letter only: the record goes
 * back to Submitted first, then the letter is sent to the queue as it was first sent and deleted from the DLQ.
 */
public final class JobFixes {

    /** The prefix of everything derived from one upload: its MP4s, package, pictures, metadata and record. */
    static final String DERIVED_PREFIX = "{dir}{name}/";

    private final S3Client s3;
    private final SqsClient sqs;
    private final S3EventIntake intake;
    private final ParkedJobs parked;
    private final String uploadBucket;
    private final String transcodedBucket;
    private final String uploadQueue;
    private final List<String> queues;
    private final JobRecordKeys recordKeys;
    private final String chunkPrefix;

    /**
     * @param queues the pipeline's queues (each with a {@code -dlq}); the first is the upload queue transcode-video reads
     */
    public JobFixes(S3Client s3, SqsClient sqs, S3EventIntake intake, ParkedJobs parked, String uploadBucket,
                    String transcodedBucket, List<String> queues, JobRecordKeys recordKeys) {
        this(s3, sqs, intake, parked, uploadBucket, transcodedBucket, queues, recordKeys, null);
    }

    /**
     * @param chunkPrefix the split-and-stitch work prefix of the transcoded bucket ({@code pipeline.transcode.chunk-prefix});
     *                    a deleted upload's {@code {chunkPrefix}{jobId}/} goes too. Null: none
     */
    public JobFixes(S3Client s3, SqsClient sqs, S3EventIntake intake, ParkedJobs parked, String uploadBucket,
                    String transcodedBucket, List<String> queues, JobRecordKeys recordKeys, String chunkPrefix) {
        this.chunkPrefix = chunkPrefix;
        this.s3 = s3;
        this.sqs = sqs;
        this.intake = intake;
        this.parked = parked;
        this.uploadBucket = uploadBucket;
        this.transcodedBucket = transcodedBucket;
        this.queues = List.copyOf(queues);
        this.uploadQueue = queues.get(0);
        this.recordKeys = recordKeys;
    }

    /**
     * Moves the dead letter of {@code key} back to the upload queue. Letters of other uploads that were received
     * while looking are made visible again at once.
     */
    public ObjectNode retry(String key) {
        ConsoleKeys.existing(key);
        String from = url(uploadQueue + "-dlq");
        String to = url(uploadQueue);
        int parkedNow = count(from);
        List<Message> others = new ArrayList<>();
        int redriven = 0;
        try {
            int seen = 0;
            while (seen < parkedNow && redriven == 0) {
                List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(from).maxNumberOfMessages(10)
                        .visibilityTimeout(30).waitTimeSeconds(1).messageAttributeNames("All")).messages();
                if (batch.isEmpty()) {
                    break;
                }
                for (Message m : batch) {
                    seen++;
                    if (redriven == 0 && isAbout(m, key)) {
                        parked.redriven(m.body(), m.messageAttributes());
                        sqs.sendMessage(b -> b.queueUrl(to).messageBody(m.body())
                                .messageAttributes(originalAttributes(m)));
                        sqs.deleteMessage(b -> b.queueUrl(from).receiptHandle(m.receiptHandle()));
                        redriven++;
                    } else {
                        others.add(m);
                    }
                }
            }
        } finally {
            for (Message m : others) { // not ours: back to the DLQ's visible messages now, not in 30 s
                sqs.changeMessageVisibility(b -> b.queueUrl(from).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
            }
        }
        if (redriven == 0) {
            throw ConsoleError.notFound("no dead letter for that key in " + uploadQueue + "-dlq");
        }
        return JobView.JSON.createObjectNode().put("redriven", redriven);
    }

    private boolean isAbout(Message m, String key) {
        try {
            for (ObjectEvent event : intake.parse(m.body())) {
                if (uploadBucket.equals(event.bucket()) && key.equals(event.key())) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            // a poison letter names no upload
        }
        return false;
    }

    /** A dead letter's attributes less what the dead-letter step added. */
    static Map<String, MessageAttributeValue> originalAttributes(Message m) {
        Map<String, MessageAttributeValue> own = new TreeMap<>(m.messageAttributes());
        own.remove(DeadLetters.ERROR);
        own.remove(DeadLetters.ROUTE);
        return own;
    }

    /**
     * Deletes the upload and every object under its {@code {dir}{name}/} folder of the transcoded bucket, and its
     * record wherever the record pattern puts it. Refused (409) when another upload shares that folder
     * ({@code a/clip.mov} and {@code a/clip.mp4}): deleting would take the other one's outputs too.
     */
    public ObjectNode delete(String key) {
        ConsoleKeys.existing(key);
        String folder = OutputKeys.expand(DERIVED_PREFIX, key, "");
        if (folder.startsWith("/") || folder.contains("//") || folder.equals("/")) {
            throw ConsoleError.badRequest("key has no name to derive an output folder from");
        }
        String dir = OutputKeys.expand("{dir}", key, "");
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(uploadBucket).prefix(folder.substring(0,
                folder.length() - 1)))) {
            for (S3Object o : page.contents()) {
                if (!o.key().equals(key) && o.key().startsWith(dir)
                        && OutputKeys.expand(DERIVED_PREFIX, o.key(), "").equals(folder)) {
                    throw new ConsoleError(409, "another upload shares this upload's output folder; delete refused");
                }
            }
        }
        int deleted = 0;
        if (S3Objects.exists(s3, uploadBucket, key)) {
            s3.deleteObject(b -> b.bucket(uploadBucket).key(key));
            deleted++;
        }
        List<String> derived = new ArrayList<>();
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(transcodedBucket).prefix(folder))) {
            page.contents().forEach(o -> derived.add(o.key()));
        }
        String record = recordKeys.keyFor(key);
        String work = chunkWork(record);
        if (work != null) { // a chunked job's parts left behind (stopped before its stitch cleaned up)
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(transcodedBucket).prefix(work))) {
                page.contents().stream().map(S3Object::key).forEach(derived::add);
            }
        }
        if (!record.startsWith(folder) && S3Objects.exists(s3, transcodedBucket, record)) {
            derived.add(record);
        }
        for (int i = 0; i < derived.size(); i += 1000) {
            List<ObjectIdentifier> batch = derived.subList(i, Math.min(derived.size(), i + 1000)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            s3.deleteObjects(b -> b.bucket(transcodedBucket).delete(d -> d.objects(batch).quiet(true)));
            deleted += batch.size();
        }
        if (deleted == 0) {
            throw ConsoleError.notFound("nothing stored for that key");
        }
        return JobView.JSON.createObjectNode().put("deleted", deleted);
    }

    /** {@code {chunkPrefix}{jobId}/} of the job the upload's record names, or null (no record, no such prefix). */
    private String chunkWork(String recordKey) {
        if (chunkPrefix == null || !S3Objects.exists(s3, transcodedBucket, recordKey)) {
            return null;
        }
        try {
            String jobId = JobView.JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(transcodedBucket).key(recordKey))
                    .asByteArray()).path("jobId").asText("");
            // the record is ours, but the id becomes part of a prefix: only the shape the ffmpeg backend writes
            return jobId.matches("[A-Za-z0-9-]{1,64}") ? chunkPrefix + jobId + "/" : null;
        } catch (java.io.IOException e) {
            return null; // an unreadable record: nothing to find the work by
        }
    }

    public ObjectNode deadLetters() {
        ObjectNode answer = JobView.JSON.createObjectNode();
        ArrayNode list = answer.putArray("queues");
        for (String queue : queues) {
            ObjectNode q = list.addObject().put("queue", queue);
            try {
                q.put("deadLetters", count(url(queue + "-dlq")));
            } catch (ConsoleError e) {
                q.putNull("deadLetters"); // not provisioned
            }
        }
        return answer;
    }

    private int count(String queueUrl) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    private String url(String queue) {
        try {
            return sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        } catch (SdkException e) {
            if (AwsErrors.isMissing(e)) {
                throw new ConsoleError(500, "queue '" + queue + "' does not exist: run provision");
            }
            throw e;
        }
    }

}
