package io.videopipeline.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.videopipeline.app.JobConfig;
import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.jobs.JobTracker;
import io.videopipeline.logging.LogText;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code status [--json] [KEY...]}: the job records of the given upload keys, or of the most recent uploads, one
 * line each (state, percent, ETA, key, backend and job id, attempts, outputs, reason) or as a JSON array.
 */
public final class StatusCommand {
    public static final String JSON_FLAG = "--json";
    /** Records listed without keys by default: the most recently written. */
    static final int RECENT = 50;

    private final JobRecordStore store;
    private final PrintStream out;
    private final int recent;

    StatusCommand(JobRecordStore store, PrintStream out) {
        this(store, out, RECENT);
    }

    /** @param recent records listed without keys (pipeline.jobs.status-recent) */
    StatusCommand(JobRecordStore store, PrintStream out, int recent) {
        this.store = store;
        this.out = out;
        this.recent = recent;
    }

    public static void run(PipelineConfig config, AwsSettings aws, List<String> args) {
        try (AwsClients clients = new AwsClients(aws)) {
            JobTracker tracker = JobConfig.tracker(config, clients);
            if (tracker == null) {
                throw new UserError(UserError.CONFIG, "job records are off (pipeline.jobs.enabled=false)");
            }
            int recent = config.getInt("pipeline.jobs.status-recent", RECENT);
            if (recent < 1) {
                throw new UserError(UserError.CONFIG, "pipeline.jobs.status-recent must be at least 1, not " + recent);
            }
            new StatusCommand(tracker.store(), System.out, recent).print(args);
        }
    }

    /** Prints the records; a key without a record prints as {@code (no record)}. */
    void print(List<String> args) {
        boolean json = args.contains(JSON_FLAG);
        List<String> keys = args.stream().filter(a -> !a.equals(JSON_FLAG)).toList();
        List<JobRecord> records = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        String omitted = null;
        if (keys.isEmpty()) {
            JobRecordStore.Recent newest = store.recent(recent);
            records.addAll(newest.records().stream()
                    .sorted(Comparator.comparing((JobRecord r) -> String.valueOf(r.updated())).reversed()).toList());
            if (newest.found() > recent) {
                omitted = "(the " + recent + " records written last of " + newest.found()
                        + "; name upload keys to see others)";
            }
        } else {
            for (String key : keys) {
                Optional<JobRecord> record = store.read(key);
                record.ifPresentOrElse(records::add, () -> missing.add(key));
            }
        }
        if (json) {
            out.println(json(records));
            return;
        }
        records.forEach(r -> out.println(line(r)));
        missing.forEach(key -> out.println("-  " + LogText.safe(key) + "  (no record)"));
        if (omitted != null) {
            out.println(omitted);
        }
    }

    /** One line: state, percent and ETA while progressing, key, backend/job, attempts, outputs, reason. */
    static String line(JobRecord r) {
        StringBuilder s = new StringBuilder(r.state().status());
        if (r.percent() != null) {
            s.append(String.format(" %.0f%%", r.percent()));
        }
        if (r.etaSeconds() != null && !r.state().terminal()) {
            s.append(" eta ").append(r.etaSeconds()).append('s');
        }
        s.append("  ").append(LogText.safe(r.source().key()));
        s.append("  ").append(r.backend() == null ? "-" : r.backend()).append(' ')
                .append(r.jobId() == null ? "-" : r.jobId());
        s.append("  attempts ").append(r.attempts());
        s.append("  outputs ").append(r.outputs().size());
        s.append("  updated ").append(r.updated());
        if (r.reason() != null) {
            s.append("  reason: ").append(LogText.safe(r.reason()));
        }
        if (r.parkedIn() != null) {
            s.append("  parked in ").append(r.parkedIn());
        }
        return s.toString();
    }

    private static String json(List<JobRecord> records) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(records);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write job records as JSON", e);
        }
    }
}
