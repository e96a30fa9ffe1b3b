package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.localcloud.LocalCloudExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cloud backends' own job messages on the job record (local cloud S3, conditional writes): Elastic Transcoder's
 * notifications and MediaConvert's EventBridge Job State Change events — the latter the samples AWS documents
 * (src/test/resources/jobs/mediaconvert/README.md names the pages) with the user metadata the backend sets — lead
 * to the same record.
 */
class CloudJobReportsTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String BUCKET = "video-transcoded";
    private static final JobRecord.Source UPLOAD = new JobRecord.Source("video-upload", "a b/clip+1.mov", "e1", 1234L);
    /** What both backends put in their jobs' user metadata (the key percent-encoded). */
    private static final String USER_METADATA =
            "{\"source-bucket\": \"video-upload\", \"source-key\": \"a%20b/clip%2B1.mov\", \"source-etag\": \"e1\"}";

    private JobTracker tracker;

    @BeforeEach
    void records() {
        CLOUD.s3().createBucket(b -> b.bucket(BUCKET));
        tracker = new JobTracker(new JobRecordStore(CLOUD.s3(), BUCKET, new JobRecordKeys(JobRecordKeys.DEFAULT_PATTERN)),
                null, Duration.ZERO, Clock.systemUTC());
    }

    @Test
    void anElasticTranscoderJobAndAMediaConvertJobMakeTheSameRecord() throws IOException {
        tracker.submitted(UPLOAD, "elastictranscoder", "1388444015829-zvwjeq", "1388444015829-pipe01");
        tracker.reported(report(et("PROGRESSING", "1388444015829-zvwjeq", "")));
        assertThat(record()).extracting(JobRecord::state, JobRecord::percent)
                .containsExactly(JobState.PROGRESSING, 0.0);
        tracker.reported(report(et("COMPLETED", "1388444015829-zvwjeq", """
                ,"outputs": [{"id": "1", "presetId": "1351620000001-000010", "key": "file/file.mp4",
                  "status": "Complete", "duration": 30, "width": 1920, "height": 1080}]""")));
        JobRecord et = record();

        CLOUD.s3().deleteObject(b -> b.bucket(BUCKET).key(tracker.store().keyFor(UPLOAD.key())));
        String job = "1671477617078-2886ye";
        tracker.submitted(UPLOAD, "mediaconvert", job, "arn:aws:mediaconvert:us-west-2:111122223333:queues/Default");
        tracker.reported(report(mediaConvert("progressing.json", job)));
        tracker.reported(report(mediaConvert("status-update.json", job)));
        JobRecord progressing = record();
        assertThat(progressing).extracting(JobRecord::state, JobRecord::percent)
                .containsExactly(JobState.PROGRESSING, 7.0);
        assertThat(progressing.etaSeconds()).isNotNull();
        tracker.reported(report(mediaConvert("complete.json", job)));
        JobRecord mc = record();

        for (JobRecord r : List.of(et, mc)) {
            assertThat(r).extracting(JobRecord::state, JobRecord::percent, JobRecord::attempts, JobRecord::reason)
                    .containsExactly(JobState.COMPLETE, 100.0, 1, null);
            assertThat(r.source()).isEqualTo(UPLOAD);
            assertThat(r.finished()).isNotNull();
            assertThat(r.outputs()).singleElement().satisfies(o -> {
                assertThat(o.key()).isEqualTo("file/file.mp4");
                assertThat(Math.round(o.durationSeconds())).isEqualTo(30);
                assertThat(List.of(o.width(), o.height())).containsExactly(1920, 1080);
            });
        }
        assertThat(List.of(et.backend(), et.jobId(), mc.backend(), mc.jobId()))
                .containsExactly("elastictranscoder", "1388444015829-zvwjeq", "mediaconvert", job);
        assertThat(mc.pipelineId()).endsWith(":queues/Default");
    }

    @Test
    void anElasticTranscoderHlsJobListsItsMasterNotItsOutputKeys() {
        tracker.submitted(UPLOAD, "elastictranscoder", "et-hls", "pipe");
        // ET's notification of a job with two HLS outputs in one HLSv3 playlist: an HLS output's Key names no object
        // (ET writes {Key}.m3u8 and {Key}00000.ts …), the playlist's Name + .m3u8 is the master
        tracker.reported(report(et("COMPLETED", "et-hls", """
                ,"outputs": [
                  {"id": "1", "presetId": "1351620000001-000010", "key": "a b/clip+1/clip+1-720p.mp4",
                   "status": "Complete", "duration": 4, "width": 1280, "height": 720},
                  {"id": "2", "presetId": "1351620000001-200010", "key": "a b/clip+1/hls/2m", "segmentDuration": "10",
                   "status": "Complete", "duration": 4, "width": 1024, "height": 576},
                  {"id": "3", "presetId": "1351620000001-200050", "key": "a b/clip+1/hls/400k", "segmentDuration": "10",
                   "status": "Complete", "duration": 5, "width": 400, "height": 224}],
                 "playlists": [{"name": "a b/clip+1/clip+1", "format": "HLSv3",
                   "outputKeys": ["a b/clip+1/hls/2m", "a b/clip+1/hls/400k"], "status": "Complete"}]""")));

        assertThat(record().outputs()).extracting(JobRecord.Output::key, JobRecord.Output::preset,
                JobRecord.Output::durationSeconds).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a b/clip+1/clip+1-720p.mp4", "1351620000001-000010", 4.0),
                org.assertj.core.groups.Tuple.tuple("a b/clip+1/clip+1.m3u8", JobRecord.Output.PACKAGE_MASTER, 5.0));
    }

    @Test
    void aFailedJobEndsErrorWithTheServicesReason() throws IOException {
        tracker.submitted(UPLOAD, "elastictranscoder", "et-1", "pipe");
        tracker.reported(report(et("ERROR", "et-1", """
                ,"errorCode": 4000, "messageDetails": "4000 b9b0e7a3: Amazon Elastic Transcoder could not interpret the media file.\"""")));
        assertThat(record()).extracting(JobRecord::state, JobRecord::reason).containsExactly(JobState.ERROR,
                "4000 b9b0e7a3: Amazon Elastic Transcoder could not interpret the media file.");

        CLOUD.s3().deleteObject(b -> b.bucket(BUCKET).key(tracker.store().keyFor(UPLOAD.key())));
        tracker.submitted(UPLOAD, "mediaconvert", "mc-1", null);
        tracker.reported(report(mediaConvert("error.json", "mc-1")));
        assertThat(record()).extracting(JobRecord::state, JobRecord::reason)
                .containsExactly(JobState.ERROR, "1040 Example error message");
    }

    @Test
    void lateAndStaleReportsDoNotMoveTheRecordBack() throws IOException {
        tracker.submitted(UPLOAD, "mediaconvert", "mc-1", null);
        tracker.reported(report(mediaConvert("status-update.json", "mc-1")));
        tracker.reported(report(mediaConvert("complete.json", "mc-1")));
        tracker.reported(report(mediaConvert("status-update.json", "mc-1")));
        tracker.reported(report(mediaConvert("error.json", "mc-1")));
        assertThat(record().state()).isEqualTo(JobState.COMPLETE);

        JobRecord.Source again = new JobRecord.Source(UPLOAD.bucket(), UPLOAD.key(), "e2", 99L);
        tracker.submitted(again, "mediaconvert", "mc-2", null);
        tracker.reported(report(mediaConvert("error.json", "mc-1")));
        assertThat(record()).extracting(JobRecord::state, JobRecord::jobId)
                .containsExactly(JobState.SUBMITTED, "mc-2");
    }

    @Test
    void aReportFasterThanTheSubmittedWriteMakesTheRecordWhichSubmitKeeps() throws IOException {
        tracker.reported(report(mediaConvert("progressing.json", "mc-1")));
        tracker.submitted(UPLOAD, "mediaconvert", "mc-1", null);
        assertThat(record()).extracting(JobRecord::state, JobRecord::attempts, JobRecord::backend)
                .containsExactly(JobState.PROGRESSING, 1, "mediaconvert");
    }

    @Test
    void whatNamesNoUploadOrNoStateIsNotAReport() throws IOException {
        assertThat(BackendReport.parse(resource("complete.json"))).isEmpty(); // as documented: no user metadata
        assertThat(BackendReport.parse(mediaConvert("error.json", "x").replace("\"ERROR\"", "\"NEW_WARNING\"")))
                .isEmpty();
        JobRecord stream = JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, null, "2026-01-01T00:00:00Z");
        assertThat(BackendReport.parse(new JobEventPublisher(null, "t", k -> "r/" + k).message(stream))).isEmpty();
    }

    private JobRecord record() {
        return tracker.store().read(UPLOAD.key()).orElseThrow();
    }

    private static BackendReport report(String body) {
        return BackendReport.parse(body).orElseThrow();
    }

    /** An Elastic Transcoder notification as its pipelines publish them (developerguide/notifications.html). */
    private static String et(String state, String jobId, String more) {
        return """
                {"state": "%s", "version": "2012-09-25", "jobId": "%s", "pipelineId": "1388444015829-pipe01",
                 "input": {"key": "a b/clip+1.mov"}, "userMetadata": %s %s}""".formatted(state, jobId, USER_METADATA,
                more);
    }

    /** AWS's sample with the job id and user metadata of our job. */
    private static String mediaConvert(String sample, String jobId) throws IOException {
        return resource(sample).replaceAll("\"jobId\": \"[^\"]+\"", "\"jobId\": \"" + jobId + "\"")
                .replace("\"userMetadata\": {}", "\"userMetadata\": " + USER_METADATA);
    }

    private static String resource(String sample) throws IOException {
        try (InputStream in = CloudJobReportsTest.class.getResourceAsStream("/jobs/mediaconvert/" + sample)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
