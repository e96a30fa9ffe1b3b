package io.videopipeline.localcloud.et;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The pipelines and jobs of the local Elastic Transcoder, in memory and (with a data dir) on disk. They are kept
 * as JSON in the shape ReadPipeline/ReadJob return (without the derived fields): ET echoes most of a request back,
 * including fields this emulator does not interpret, so a typed copy would lose them.
 *
 * <p>The instance is the lock of the whole service: every read or change of the maps holds it.
 */
final class EtState {

    private static final Logger LOG = LoggerFactory.getLogger(EtState.class);
    private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** Guarded by {@code this}. */
    final Map<String, ObjectNode> pipelines = new LinkedHashMap<>();
    final Map<String, ObjectNode> jobs = new LinkedHashMap<>();

    private final ObjectMapper json;
    private final EtSettings settings;
    /** Null when nothing is kept on disk. */
    private final EtStateFiles files;
    private final SecureRandom random = new SecureRandom();

    EtState(ObjectMapper json, EtSettings settings) {
        this.json = json;
        this.settings = settings;
        this.files = settings.dataDir() == null ? null : new EtStateFiles(settings.dataDir(), json);
    }

    /**
     * Loads what the data dir holds. Jobs that were {@code Progressing} when the local cloud stopped end in
     * {@code Error}; the ids of {@code Submitted} ones are returned, to run again.
     *
     * @throws IllegalStateException if the data dir holds unreadable state
     */
    synchronized List<String> load() {
        List<String> resubmit = new ArrayList<>();
        if (files == null) {
            return resubmit;
        }
        try {
            files.read(pipelines, jobs);
        } catch (IOException e) {
            throw new IllegalStateException("local Elastic Transcoder state in " + files.dir() + " cannot be read: " + e,
                    e);
        }
        for (ObjectNode job : jobs.values()) {
            if (EtJobStatus.PROGRESSING.of(job)) {
                setStatus(job, EtJobStatus.ERROR);
                setStatusDetail(job, EtJobError.INTERNAL_SERVICE_ERROR.statusDetail(job.path("Id").asText(),
                        "the local cloud stopped while the job was running"));
                ((ObjectNode) job.path("Timing")).put("FinishTimeMillis", System.currentTimeMillis());
            } else if (EtJobStatus.SUBMITTED.of(job)) {
                resubmit.add(job.path("Id").asText());
            }
        }
        persist();
        if (!pipelines.isEmpty() || !jobs.isEmpty()) {
            LOG.info("Local Elastic Transcoder: loaded {} pipelines and {} jobs from {}", pipelines.size(),
                    jobs.size(), files.dir());
        }
        return resubmit;
    }

    /** Saves both maps, if there is a data dir. Caller holds the lock. */
    void persist() {
        if (files == null) {
            return;
        }
        try {
            files.write(pipelines, jobs);
        } catch (IOException e) {
            LOG.warn("Could not save local Elastic Transcoder state in {}: {}", files.dir(), e.toString());
        }
    }

    ObjectNode pipeline(String id) {
        ObjectNode p = pipelines.get(id);
        if (p == null) {
            throw EtApiException.notFound("The specified pipeline was not found: account=" + settings.accountId()
                    + ", pipelineId=" + id + ".");
        }
        return p;
    }

    ObjectNode job(String id) {
        ObjectNode job = jobs.get(id);
        if (job == null) {
            throw EtApiException.notFound("The specified job was not found: account=" + settings.accountId()
                    + ", jobId=" + id + ".");
        }
        return job;
    }

    /** The stored job plus what ET derives: {@code Inputs} = [Input], {@code Output} = the first output. */
    ObjectNode render(ObjectNode stored) {
        ObjectNode out = json.createObjectNode();
        stored.fields().forEachRemaining(e -> {
            out.set(e.getKey(), e.getValue().deepCopy());
            if (e.getKey().equals("Input")) {
                out.putArray("Inputs").add(e.getValue().deepCopy());
            }
            if (e.getKey().equals("Outputs") && e.getValue().size() > 0) {
                out.set("Output", e.getValue().get(0).deepCopy());
            }
        });
        return out;
    }

    /** Sets the status of the job and of each of its outputs and playlists (ET moves them together). */
    static void setStatus(ObjectNode job, EtJobStatus status) {
        job.put("Status", status.wireName());
        for (JsonNode o : job.path("Outputs")) {
            ((ObjectNode) o).put("Status", status.wireName());
        }
        for (JsonNode p : job.path("Playlists")) {
            ((ObjectNode) p).put("Status", status.wireName());
        }
    }

    /** Sets the StatusDetail of every output and playlist of a failed job. */
    static void setStatusDetail(ObjectNode job, String detail) {
        for (String part : new String[]{"Outputs", "Playlists"}) {
            for (JsonNode o : job.path(part)) {
                ((ObjectNode) o).put("StatusDetail", detail);
            }
        }
    }

    String newId() {
        StringBuilder id = new StringBuilder().append(System.currentTimeMillis()).append('-');
        for (int i = 0; i < 6; i++) {
            id.append(ID_CHARS[random.nextInt(ID_CHARS.length)]);
        }
        return id.toString();
    }

    String arn(String type, String id) {
        return "arn:aws:elastictranscoder:" + settings.region() + ":" + settings.accountId() + ":" + type + "/" + id;
    }
}
