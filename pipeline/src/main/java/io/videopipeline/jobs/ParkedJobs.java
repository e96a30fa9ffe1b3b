package io.videopipeline.jobs;

import io.videopipeline.event.ObjectEvent;
import io.videopipeline.event.S3EventIntake;
import io.videopipeline.logging.LogText;
import io.videopipeline.routing.DeadLetter;
import io.videopipeline.routing.DeadLetters;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Tells the job record of an upload that its message was dead-lettered (routes/dead-letter.yaml, bean
 * {@code parkedJobs}, after the letter was sent): Error, with the reason and the dead-letter queue. Only letters of
 * the transcode route and uploads of the upload bucket have a job; the upload is read from the letter's body (the
 * envelope holding just the failed record), so it works the same for a letter kept until its message was done.
 *
 * <p>Never throws: the letter is sent, and a record that cannot be written must not bring the message back.
 */
public final class ParkedJobs {

    private static final Logger LOG = LoggerFactory.getLogger(ParkedJobs.class);

    private final JobTracker tracker;
    private final S3EventIntake intake;
    private final List<String> transcodeRoutes;
    private final String uploadBucket;

    /** @param tracker null: job records are off, nothing to do */
    public ParkedJobs(JobTracker tracker, S3EventIntake intake, String transcodeRoute, String uploadBucket) {
        this(tracker, intake, List.of(transcodeRoute), uploadBucket);
    }

    /**
     * @param transcodeRoutes the routes whose letters are an upload's S3 event and fail its job: transcode-video, and
     *                        transcode-chunk (split-and-stitch tasks carry the upload's event)
     */
    public ParkedJobs(JobTracker tracker, S3EventIntake intake, List<String> transcodeRoutes, String uploadBucket) {
        this.tracker = tracker;
        this.intake = intake;
        this.transcodeRoutes = List.copyOf(transcodeRoutes);
        this.uploadBucket = uploadBucket;
    }

    public void parked(DeadLetter letter) {
        for (ObjectEvent event : uploads(letter.body(), letter.attributes())) {
            try {
                tracker.parked(event, letter.reason(), letter.queue());
            } catch (RuntimeException e) {
                LOG.warn("Could not mark the job of {} as parked: {}", LogText.safe(event.key()),
                        LogText.safe(e.toString()));
            }
        }
    }

    /** A dead letter ({@code body}, its {@code attributes}) was moved back to its queue: its jobs are Submitted again. */
    public void redriven(String body, Map<String, MessageAttributeValue> attributes) {
        for (ObjectEvent event : uploads(body, attributes)) {
            tracker.redriven(event.key());
        }
    }

    /** The uploads a transcode route's letter is about; none for another route's letter or a poison message. */
    private List<ObjectEvent> uploads(String body, Map<String, MessageAttributeValue> attributes) {
        MessageAttributeValue route = attributes.get(DeadLetters.ROUTE);
        if (tracker == null || route == null || !transcodeRoutes.contains(route.stringValue())) {
            return List.of();
        }
        try {
            // a route acts only on its own bucket: no record for another bucket's object
            return intake.parse(body).stream().filter(event -> uploadBucket.equals(event.bucket())).toList();
        } catch (RuntimeException e) {
            return List.of(); // a poison message names no upload of ours
        }
    }
}
