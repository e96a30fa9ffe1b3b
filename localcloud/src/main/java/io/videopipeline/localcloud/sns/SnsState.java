package io.videopipeline.localcloud.sns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Topics and subscriptions by ARN, in creation order; saved as one JSON file so a restart keeps them. */
final class SnsState {
    public int version = 1;
    public Map<String, Topic> topics = new LinkedHashMap<>();
    public Map<String, Subscription> subscriptions = new LinkedHashMap<>();

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static SnsState load(Path file) {
        if (file == null || !Files.exists(file)) {
            return new SnsState();
        }
        try {
            return JSON.readValue(file.toFile(), SnsState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read SNS state file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a temp file and renames it over the old one, so a crash mid-write never leaves half a file. */
    void save(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write SNS state file " + file + ": " + e.getMessage(), e);
        }
    }
}
