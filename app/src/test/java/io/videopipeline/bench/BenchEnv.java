package io.videopipeline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Where things are and how much to do: {@code -Dbench.quick=true} (each once, small sizes), {@code -Dbench.only=a,b}. */
record BenchEnv(Path projectDir, Path jar, Path routesDir, Path configDir, Path outDir, Path workDir, Path mediaDir,
                boolean quick, Set<String> only) {

    static final List<String> SECTIONS = List.of("startup", "routing", "metadata", "transcode", "memory", "load",
            "streaming", "eta", "chunking");

    static BenchEnv fromSystemProperties() {
        Path project = Path.of(System.getProperty("pipeline.project.dir", ".")).toAbsolutePath().normalize();
        Path build = Path.of(System.getProperty("bench.build.dir", project.resolve("target").toString()));
        Path jar = Path.of(System.getProperty("pipeline.jar", build.resolve("video-pipeline.jar").toString()));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("packaged jar " + jar + " is missing: run 'mvn -Pbench verify'");
        }
        String only = System.getProperty("bench.only", "").trim();
        Set<String> sections = only.isEmpty() ? Set.copyOf(SECTIONS)
                : Arrays.stream(only.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        Path out = build.resolve("bench");
        return new BenchEnv(project, jar, project.resolve("routes"), project.resolve("config"), out,
                out.resolve("work"), out.resolve("media"), Boolean.getBoolean("bench.quick"), sections);
    }

    boolean enabled(String section) {
        return only.contains(section);
    }

    /** The quick value in quick mode, else the full one; {@code -Dbench.<key>=N} overrides both. */
    int pick(String key, int quickValue, int fullValue) {
        String v = System.getProperty("bench." + key);
        return v != null ? Integer.parseInt(v) : quick ? quickValue : fullValue;
    }

    List<Integer> pickList(String key, List<Integer> quickValue, List<Integer> fullValue) {
        String v = System.getProperty("bench." + key);
        if (v != null) {
            return Arrays.stream(v.split(",")).map(String::trim).map(Integer::parseInt).toList();
        }
        return quick ? quickValue : fullValue;
    }
}
