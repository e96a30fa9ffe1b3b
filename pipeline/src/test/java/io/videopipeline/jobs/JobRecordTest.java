package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules that keep a record moving forward only, whoever writes it. */
class JobRecordTest {

    private static final JobRecord.Source UPLOAD = new JobRecord.Source("video-upload", "a/clip.mov", "e1", 10L);
    private static final String T = "2026-01-01T00:00:00Z";

    private final JobRecord first = JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, null, T);

    @Test
    void anAttemptMovesForwardOnly() {
        JobRecord progressing = first.progressing(40, 3L, 2.0, T);
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(progressing.supersedes(first)).isTrue();
        assertThat(progressing.progressing(60, 2L, 2.0, T).supersedes(progressing)).isTrue();
        assertThat(first.supersedes(progressing)).as("Submitted after Progressing").isFalse();
        JobRecord error = progressing.error("broken", "q-dlq", T);
        assertThat(error.supersedes(progressing)).isTrue();
        assertThat(progressing.supersedes(error)).as("a terminal state is final for its attempt").isFalse();
    }

    @Test
    void nothingReplacesComplete() {
        JobRecord complete = first.complete(List.of(new JobRecord.Output("a/clip/clip-720p.mp4", "720p", 5L, 1.0,
                null, null)), T);
        JobRecord redelivered = JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, complete, T);
        assertThat(redelivered.attempts()).isEqualTo(2);
        assertThat(redelivered.supersedes(complete)).isFalse();
        assertThat(complete.error("late failure", null, T).supersedes(complete)).isFalse();
        assertThat(complete.percent()).isEqualTo(100.0);
    }

    @Test
    void warningIsReadyAsCompleteIs() {
        // complete with something to say: the renditions exist, so nothing moves it back either
        JobRecord warning = first.progressing(40, 3L, 1.0, T).warning("the source is damaged", List.of(
                new JobRecord.Output("a/clip/clip-720p.mp4", "720p", 5L, 1.0, null, null)), T);
        assertThat(warning).extracting(JobRecord::state, JobRecord::percent, JobRecord::etaSeconds, JobRecord::reason)
                .containsExactly(JobState.WARNING, 100.0, 0L, "the source is damaged");
        assertThat(warning.state().ready()).isTrue();
        assertThat(warning.supersedes(first.progressing(40, 3L, 1.0, T))).isTrue();
        assertThat(JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, warning, T).supersedes(warning)).isFalse();
        assertThat(warning.error("late failure", null, T).supersedes(warning)).isFalse();
        assertThat(warning.redriven(T).supersedes(warning)).isFalse();
        assertThat(first.complete(List.of(), T).supersedes(warning)).isFalse();
    }

    @Test
    void aLaterAttemptWinsOverAnEarlierOneUntilOneCompletes() {
        JobRecord second = JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, first, T);
        JobRecord firstProgress = first.progressing(50, 1L, 1.0, T);
        assertThat(second.supersedes(firstProgress)).isTrue();
        assertThat(firstProgress.supersedes(second)).as("the older attempt's progress").isFalse();
        assertThat(first.complete(List.of(), T).supersedes(second)).as("its renditions exist").isTrue();
    }

    @Test
    void aRedrivenFailureStartsAgainAsSubmitted() {
        JobRecord parked = first.error("timed out", "video-upload-events-dlq", T);
        JobRecord redriven = JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, parked, T);
        assertThat(redriven.supersedes(parked)).isTrue();
        assertThat(redriven.state()).isEqualTo(JobState.SUBMITTED);
        assertThat(redriven.reason()).isNull();
        assertThat(redriven.attempts()).isEqualTo(2);
    }

    @Test
    void dlqRedriveMovesAParkedAttemptBackToSubmittedButNeverAComplete() {
        JobRecord parked = first.error("timed out", "video-upload-events-dlq", T);
        JobRecord redriven = parked.redriven(T);
        assertThat(redriven.supersedes(parked)).isTrue();
        assertThat(redriven.attempts()).isEqualTo(parked.attempts());
        assertThat(redriven.parkedIn()).isNull();
        assertThat(first.complete(List.of(), T).redriven(T).supersedes(first.complete(List.of(), T))).isFalse();
    }

    @Test
    void anotherUploadUnderTheKeyStartsOverOnlyWithItsSubmitted() {
        JobRecord.Source replaced = new JobRecord.Source("video-upload", "a/clip.mov", "e2", 11L);
        JobRecord complete = first.complete(List.of(), T);
        JobRecord next = JobRecord.submitted(replaced, "ffmpeg", "ffmpeg-2", null, complete, T);
        assertThat(next.attempts()).isEqualTo(1);
        assertThat(next.supersedes(complete)).isTrue();
        assertThat(next.progressing(1, null, null, T).supersedes(complete)).isFalse();
    }

    @Test
    void outputsAndEffectsAreAddedInAnyStateAndAnotherCompleteStillCannot() {
        String mp4 = "a/clip/clip-720p.mp4";
        JobRecord progressing = first.progressing(40, 3L, 2.0, T)
                .withOutput(new JobRecord.Output(mp4, "720p", 5L, 1.0, 320, 180), "2026-01-01T00:00:01Z");
        JobRecord complete = progressing.complete(List.of(new JobRecord.Output(mp4, "720p", 5L, 1.0, null, null)),
                "2026-01-01T00:00:02Z");
        assertThat(complete.outputs()).singleElement().satisfies(o -> assertThat(o.width()).isEqualTo(320));

        JobRecord mailed = complete.withEffect("mail", mp4, "2026-01-01T00:00:03Z");
        assertThat(mailed.supersedes(complete)).isTrue();
        assertThat(mailed.state()).isEqualTo(JobState.COMPLETE);
        assertThat(mailed.outputs().get(0).effects()).containsEntry("mail", "2026-01-01T00:00:03Z");
        assertThat(mailed.withEffect("mail", mp4, "2026-01-01T00:00:09Z")).as("redelivered").isSameAs(mailed);
        assertThat(complete.complete(List.of(), "2026-01-01T00:00:04Z").supersedes(mailed))
                .as("a second Complete").isFalse();
    }

    @Test
    void anEffectOvertakingItsOutputKeepsItWhenTheOutputIsDescribed() {
        String master = "a/clip/clip.m3u8";
        JobRecord early = first.progressing(90, 1L, 2.0, T).withEffect("acl", master, T);
        assertThat(early.outputs()).singleElement().satisfies(o -> assertThat(o.preset()).isNull());
        JobRecord described = early.withOutput(new JobRecord.Output(master, "hls", 7L, 1.0, null, null), T);
        assertThat(described.outputs()).singleElement().satisfies(o -> {
            assertThat(o.preset()).isEqualTo("hls");
            assertThat(o.effects()).containsOnlyKeys("acl");
        });
    }
}
