package io.videopipeline.localcloud.et;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CreateJob's {@code Playlists} and the per-output HLS fields ({@code SegmentDuration}, {@code ThumbnailPattern}),
 * checked as ET checked them, with messages that name the offending value.
 */
final class EtPlaylists {

    static final String HLS_V3 = "HLSv3";
    static final int MAX_PLAYLISTS = 30;
    static final int MAX_NAME = 255;

    private EtPlaylists() {
    }

    /** {@code SegmentDuration} as whole seconds (ET took 1-60; fractions are rounded up as a segment ends on a GOP). */
    static int seconds(String segmentDuration) {
        double value;
        try {
            value = Double.parseDouble(segmentDuration.trim());
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!(value >= 1 && value <= 60)) {
            throw EtApiException.validation("SegmentDuration '" + segmentDuration + "' is not valid: specify a number"
                    + " of seconds from 1 to 60.");
        }
        return (int) Math.ceil(value);
    }

    /**
     * Checks an output's {@code SegmentDuration} against its preset: required for an MPEG-TS preset (the local ET
     * writes ts only as HLS), refused for any other.
     */
    static void checkSegment(String key, String presetId, boolean segmentedPreset, String segmentDuration) {
        boolean given = segmentDuration != null && !segmentDuration.isEmpty();
        if (segmentedPreset && !given) {
            throw EtApiException.validation("Output '" + key + "' uses preset " + presetId + " (container ts) but has"
                    + " no SegmentDuration: the local Elastic Transcoder writes MPEG-TS only as HLS segments.");
        }
        if (!segmentedPreset && given) {
            throw EtApiException.validation("SegmentDuration is valid only for outputs whose preset has container ts;"
                    + " output '" + key + "' uses preset " + presetId + ".");
        }
        if (given) {
            seconds(segmentDuration);
        }
    }

    /** A {@code ThumbnailPattern} must contain {@code {count}} (and may contain {@code {resolution}}). */
    static void checkThumbnailPattern(String key, String pattern) {
        if (!pattern.contains("{count}")) {
            throw EtApiException.validation("ThumbnailPattern '" + pattern + "' of output '" + key + "' must contain"
                    + " {count}, which Elastic Transcoder replaces with a five-digit sequence number (00001, 00002,"
                    + " ...).");
        }
    }

    /**
     * The job's playlists as stored (Name, Format, OutputKeys, Status), checked against its outputs.
     *
     * @param segmentDurations output Key (as given) → its SegmentDuration, or null if it has none
     */
    static ArrayNode check(ObjectMapper json, JsonNode requested, Map<String, String> segmentDurations) {
        ArrayNode playlists = json.createArrayNode();
        if (requested == null || requested.isMissingNode() || requested.isNull()) {
            return playlists;
        }
        if (!requested.isArray()) {
            throw EtApiException.validation("Playlists must be a list.");
        }
        if (requested.size() > MAX_PLAYLISTS) {
            throw EtApiException.validation("A job can have at most " + MAX_PLAYLISTS + " playlists, got "
                    + requested.size() + ".");
        }
        Set<String> names = new HashSet<>();
        String folder = null;
        for (int i = 0; i < requested.size(); i++) {
            JsonNode p = requested.get(i);
            String member = "playlists." + (i + 1) + ".member.";
            String name = EtRequests.requiredText(p, "Name", member + "name");
            String format = EtRequests.requiredText(p, "Format", member + "format");
            if (name.length() > MAX_NAME) {
                throw EtApiException.validation("Playlist Name must be at most " + MAX_NAME + " characters, got "
                        + name.length() + ".");
            }
            switch (format) {
                case HLS_V3 -> { }
                case "HLSv4", "MPEG-DASH", "Smooth" -> throw EtApiException.unsupported("Playlists:Format " + format
                        + " (use " + HLS_V3 + ")");
                default -> throw EtApiException.validation("Playlist '" + name + "' has Format '" + format
                        + "', which is not valid: valid values are HLSv3, HLSv4, MPEG-DASH and Smooth.");
            }
            for (String field : List.of("HlsContentProtection", "PlayReadyDrm")) {
                if (p.hasNonNull(field)) {
                    throw EtApiException.unsupported("Playlists:" + field);
                }
            }
            if (!names.add(name)) {
                throw EtApiException.validation("Playlist names must be unique within a job: '" + name + "' is used"
                        + " twice.");
            }
            String own = name.substring(0, name.lastIndexOf('/') + 1);
            if (folder != null && !folder.equals(own)) {
                throw EtApiException.validation("The part of a playlist Name before its last / must be the same for"
                        + " every playlist of a job: '" + folder + "' and '" + own + "' differ.");
            }
            folder = own;
            JsonNode keys = p.path("OutputKeys");
            if (!keys.isArray() || keys.isEmpty()) {
                throw EtApiException.validation("Playlist '" + name + "' has no OutputKeys: list the Keys of the"
                        + " outputs it plays.");
            }
            List<String> listed = new ArrayList<>();
            for (JsonNode k : keys) {
                String key = k.asText();
                if (!segmentDurations.containsKey(key)) {
                    throw EtApiException.validation("Playlist '" + name + "' names output key '" + key + "', which is"
                            + " not the Key of an output of this job.");
                }
                if (segmentDurations.get(key) == null) {
                    throw EtApiException.validation("Playlist '" + name + "' includes output '" + key + "', which"
                            + " has no SegmentDuration: a playlist plays segmented outputs only.");
                }
                if (listed.contains(key)) {
                    throw EtApiException.validation("Playlist '" + name + "' names output key '" + key + "' twice.");
                }
                if (!listed.isEmpty() && seconds(segmentDurations.get(key))
                        != seconds(segmentDurations.get(listed.get(0)))) {
                    throw EtApiException.validation("The outputs of playlist '" + name + "' must have the same"
                            + " SegmentDuration: '" + listed.get(0) + "' has " + segmentDurations.get(listed.get(0))
                            + ", '" + key + "' has " + segmentDurations.get(key) + ".");
                }
                listed.add(key);
            }
            ObjectNode stored = playlists.addObject();
            stored.put("Name", name);
            stored.put("Format", format);
            ArrayNode outputKeys = stored.putArray("OutputKeys");
            listed.forEach(outputKeys::add);
            stored.put("Status", EtJobStatus.SUBMITTED.wireName());
        }
        return playlists;
    }
}
