package io.videopipeline.localcloud.et;

import com.fasterxml.jackson.databind.JsonNode;

/** A job's (and each of its outputs') {@code Status}, as ET spells it on the wire. */
enum EtJobStatus {
    SUBMITTED("Submitted"),
    PROGRESSING("Progressing"),
    COMPLETE("Complete"),
    CANCELED("Canceled"),
    ERROR("Error");

    private final String wireName;

    EtJobStatus(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }

    /** Whether the stored job (or output) has this status. */
    boolean of(JsonNode job) {
        return wireName.equals(job.path("Status").asText());
    }

    /** The status ListJobsByStatus names, or null. */
    static EtJobStatus fromWire(String wireName) {
        for (EtJobStatus status : values()) {
            if (status.wireName.equals(wireName)) {
                return status;
            }
        }
        return null;
    }
}
