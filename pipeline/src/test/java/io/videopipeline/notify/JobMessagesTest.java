package io.videopipeline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobRecordKeys;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.jobs.JobEventPublisher;
import io.videopipeline.jobs.JobState;
import io.videopipeline.jobs.JobTracker;
import io.videopipeline.localcloud.LocalCloudExtension;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** report-job-state's first step: a backend's own message goes into its record; only stream events are reported. */
class JobMessagesTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String ET_ERROR = """
            {"state": "ERROR", "errorCode": 4000, "messageDetails": "4000 j-1: Bad Input File", "version": "2012-09-25",
             "jobId": "j-1", "pipelineId": "p-1", "input": {"key": "in/clip.mov"},
             "userMetadata": {"source-bucket": "video-upload", "source-key": "in/clip.mov", "source-etag": "e1"}}""";

    @Test
    void aServicesMessageGoesIntoTheRecordAndTheStreamEventIsReported() {
        CLOUD.s3().createBucket(b -> b.bucket("video-transcoded"));
        JobTracker tracker = tracker("video-transcoded");
        JobMessages messages = new JobMessages(tracker, new JobStateIntake());

        assertThat(messages.read(ET_ERROR)).isNull();
        JobRecord record = tracker.store().read("in/clip.mov").orElseThrow();
        assertThat(record).extracting(JobRecord::state, JobRecord::reason)
                .containsExactly(JobState.ERROR, "4000 j-1: Bad Input File");

        JobStateEvent event = messages.read(new JobEventPublisher(null, "t", k -> k).message(record));
        assertThat(event.failed()).isTrue();
        assertThat(event).extracting(JobStateEvent::backend, JobStateEvent::sourceKey)
                .containsExactly("elastictranscoder", "in/clip.mov");
    }

    @Test
    void aRecordThatCannotBeWrittenLeavesTheServicesMessageToReportItself() {
        JobMessages messages = new JobMessages(tracker("no-such-bucket"), new JobStateIntake());

        JobStateEvent event = messages.read(ET_ERROR);
        assertThat(event.failed()).isTrue();
        assertThat(event.reason()).contains("Bad Input File");
    }

    private static JobTracker tracker(String bucket) {
        return new JobTracker(new JobRecordStore(CLOUD.s3(), bucket, new JobRecordKeys(JobRecordKeys.DEFAULT_PATTERN)),
                null, Duration.ZERO, Clock.systemUTC());
    }
}
