package io.videopipeline.notify;

import io.videopipeline.jobs.BackendReport;
import io.videopipeline.jobs.JobTracker;
import java.util.Optional;

/**
 * What report-job-state does with a message of its queue (bean {@code jobMessages}). The queue gets the pipeline's
 * job event stream and, from the asynchronous backends, their services' own messages: Elastic Transcoder's
 * notifications and MediaConvert's Job State Change events. A service's message goes into the job record of its
 * upload ({@link JobTracker#reported}), which publishes the change on the stream; it comes back to this route as a
 * stream event, and only stream events are mailed — so a failure is mailed once, in one shape, for every backend.
 *
 * <p>With job records off, or a record that cannot be written (S3 failing), there is no stream to go round: the
 * service's message is read as it is ({@link JobStateIntake}), as before there were records, so a failure is still
 * mailed.
 */
public final class JobMessages {

    private final JobTracker tracker;
    private final JobStateIntake intake;

    /** @param tracker null when job records are off */
    public JobMessages(JobTracker tracker, JobStateIntake intake) {
        this.tracker = tracker;
        this.intake = intake;
    }

    /**
     * @return the stream event to report on, or null when the message was a service's report now in its record
     * @throws io.videopipeline.event.PoisonMessageException if the message is none of these
     */
    public JobStateEvent read(String body) {
        if (tracker != null) {
            Optional<BackendReport> report;
            try {
                report = BackendReport.parse(body);
            } catch (IllegalArgumentException e) {
                report = Optional.empty(); // not JSON: the intake says why, as a poison message
            }
            if (report.isPresent() && tracker.reported(report.get())) {
                return null;
            }
        }
        return intake.parse(body);
    }
}
