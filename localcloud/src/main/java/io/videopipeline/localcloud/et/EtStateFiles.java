package io.videopipeline.localcloud.et;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Pipelines and jobs on disk: {@code pipelines.json} and {@code jobs.json}, each written whole, atomically. */
final class EtStateFiles {

    private final Path dir;
    private final ObjectMapper json;

    EtStateFiles(Path dir, ObjectMapper json) {
        this.dir = dir;
        this.json = json;
    }

    Path dir() {
        return dir;
    }

    /** Reads both files into the maps (by id); missing files are empty. */
    void read(Map<String, ObjectNode> pipelines, Map<String, ObjectNode> jobs) throws IOException {
        Files.createDirectories(dir);
        readInto(dir.resolve("pipelines.json"), pipelines);
        readInto(dir.resolve("jobs.json"), jobs);
    }

    /** Writes both files (temp file + atomic rename). */
    void write(Map<String, ObjectNode> pipelines, Map<String, ObjectNode> jobs) throws IOException {
        write(dir.resolve("pipelines.json"), pipelines);
        write(dir.resolve("jobs.json"), jobs);
    }

    private void readInto(Path file, Map<String, ObjectNode> into) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        JsonNode root = json.readTree(file.toFile());
        if (root == null || !root.isArray()) {
            throw new IOException(file + " is not a JSON array");
        }
        for (JsonNode node : root) {
            into.put(node.path("Id").asText(), (ObjectNode) node);
        }
    }

    private void write(Path file, Map<String, ObjectNode> items) throws IOException {
        ArrayNode array = json.createArrayNode();
        items.values().forEach(array::add);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(array));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
