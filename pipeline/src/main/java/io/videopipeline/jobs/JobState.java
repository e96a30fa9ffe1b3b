package io.videopipeline.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A job's state as Elastic Transcoder named them: {@link #status()} is the job's {@code Status} in its API (and in
 * the job record), {@link #notification()} the {@code state} of its SNS notifications (and of the job event stream).
 */
public enum JobState {
    SUBMITTED("Submitted", "SUBMITTED"),
    PROGRESSING("Progressing", "PROGRESSING"),
    COMPLETE("Complete", "COMPLETED"),
    WARNING("Warning", "WARNING"),
    ERROR("Error", "ERROR");

    private final String status;
    private final String notification;

    JobState(String status, String notification) {
        this.status = status;
        this.notification = notification;
    }

    @JsonValue
    public String status() {
        return status;
    }

    public String notification() {
        return notification;
    }

    /** Complete, Warning or Error: the attempt is over. */
    public boolean terminal() {
        return this == COMPLETE || this == WARNING || this == ERROR;
    }

    /**
     * Complete or Warning: the renditions are stored (Warning says something about them), so the job is as done as it
     * will be. Nothing moves a ready record back, and the fan-out runs for both.
     */
    public boolean ready() {
        return this == COMPLETE || this == WARNING;
    }

    /** By {@link #status()} or {@link #notification()}, any case. */
    @JsonCreator
    public static JobState parse(String text) {
        for (JobState state : values()) {
            if (state.status.equalsIgnoreCase(text) || state.notification.equalsIgnoreCase(text)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown job state '" + text + "'");
    }
}
