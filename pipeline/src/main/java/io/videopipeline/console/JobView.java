package io.videopipeline.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobState;
import java.util.Locale;

/**
 * A job record as the page shows it ({@code Job} in console-contract.md): the record's own fields plus
 * {@code consoleState}, the four states a person reads — uploaded, transcoding, ready, failed.
 */
public final class JobView {

    static final ObjectMapper JSON = new ObjectMapper();

    private JobView() {
    }

    public static String consoleState(JobState state) {
        return switch (state) {
            case SUBMITTED -> "uploaded";
            case PROGRESSING -> "transcoding";
            case COMPLETE, WARNING -> "ready";
            case ERROR -> "failed";
        };
    }

    /** Whether a record is in {@code wanted}: a console state (uploaded …) or a record state (Progressing …). */
    public static boolean inState(JobRecord record, String wanted) {
        if (wanted == null || wanted.isBlank()) {
            return true;
        }
        String w = wanted.strip().toLowerCase(Locale.ROOT);
        return consoleState(record.state()).equals(w) || record.state().status().toLowerCase(Locale.ROOT).equals(w);
    }

    /** @throws ConsoleError 400 for a state that is neither */
    public static void checkState(String wanted) {
        if (wanted == null || wanted.isBlank()) {
            return;
        }
        String w = wanted.strip().toLowerCase(Locale.ROOT);
        for (JobState s : JobState.values()) {
            if (consoleState(s).equals(w) || s.status().toLowerCase(Locale.ROOT).equals(w)) {
                return;
            }
        }
        throw ConsoleError.badRequest("state must be one of uploaded, transcoding, ready, failed (or Submitted, "
                + "Progressing, Complete, Warning, Error)");
    }

    public static ObjectNode of(JobRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("key", r.source().key());
        n.put("bucket", r.source().bucket());
        n.put("state", r.state().status());
        n.put("consoleState", consoleState(r.state()));
        if (r.percent() != null) {
            n.put("percent", r.percent());
        } else {
            n.putNull("percent");
        }
        if (r.etaSeconds() != null) {
            n.put("etaSeconds", r.etaSeconds());
        } else {
            n.putNull("etaSeconds");
        }
        n.put("started", r.started());
        n.put("updated", r.updated());
        n.put("finished", r.finished());
        n.put("reason", r.reason());
        n.put("parkedIn", r.parkedIn());
        ArrayNode outputs = n.putArray("outputs");
        for (JobRecord.Output o : r.outputs()) {
            ObjectNode out = outputs.addObject();
            out.put("key", o.key());
            out.put("preset", o.preset());
            out.put("size", o.size());
            out.put("duration", o.durationSeconds());
            out.put("width", o.width());
            out.put("height", o.height());
        }
        return n;
    }
}
