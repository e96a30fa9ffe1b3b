package io.videopipeline.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The merged configuration, in increasing precedence: {@code application.properties},
 * {@code application-PROFILE.properties}, environment variables, command-line {@code --set}.
 *
 * <p>We merge ourselves instead of leaving it to Camel's property-placeholder locations so the
 * precedence is explicit and testable, the profile file is never dropped when the config dir moves
 * (STYLE.md §7), and the start-up summary can say which files were read. The result is handed to
 * Camel Main as override properties, so {@code {{pipeline.x}}} placeholders see exactly this view.
 *
 * <p>An environment variable overrides a key that a file defines when its name is the key upper-cased
 * with dots and dashes as underscores: {@code pipeline.aws.endpoint-url} → {@code PIPELINE_AWS_ENDPOINT_URL}.
 */
public final class PipelineConfig {

    private final Map<String, String> values;
    private final List<Path> filesRead;
    private final Path configDir;
    private final String profile;

    private PipelineConfig(Map<String, String> values, List<Path> filesRead, Path configDir,
                           String profile) {
        this.values = Collections.unmodifiableMap(values);
        this.filesRead = List.copyOf(filesRead);
        this.configDir = configDir;
        this.profile = profile;
    }

    public static PipelineConfig load(Path configDir, String profile, Map<String, String> env,
                                      Map<String, String> cliProperties) {
        if (!Files.isDirectory(configDir)) {
            throw new ConfigurationError("config directory '" + configDir.toAbsolutePath()
                    + "' does not exist: pass --config DIR or set PIPELINE_CONFIG_DIR");
        }
        Map<String, String> merged = new LinkedHashMap<>();
        List<Path> read = new ArrayList<>();
        Path base = configDir.resolve("application.properties");
        if (!Files.exists(base)) {
            throw new ConfigurationError("'" + base.toAbsolutePath()
                    + "' is missing: every config directory needs an application.properties");
        }
        readInto(base, merged);
        read.add(base);
        Path profileFile = configDir.resolve("application-" + profile + ".properties");
        if (Files.exists(profileFile)) {
            readInto(profileFile, merged);
            read.add(profileFile);
        } else if (!"default".equals(profile)) {
            throw new ConfigurationError("profile '" + profile + "' has no file '"
                    + profileFile.toAbsolutePath() + "': create it or choose another --profile");
        }
        for (String key : List.copyOf(merged.keySet())) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                merged.put(key, fromEnv);
            }
        }
        merged.putAll(cliProperties);
        merged.put("pipeline.profile", profile);
        merged.put("pipeline.config.dir", configDir.toAbsolutePath().normalize().toString());
        return new PipelineConfig(merged, read, configDir.toAbsolutePath().normalize(), profile);
    }

    /** {@code pipeline.aws.endpoint-url} → {@code PIPELINE_AWS_ENDPOINT_URL}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static void readInto(Path file, Map<String, String> into) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigurationError("cannot read config file '" + file.toAbsolutePath()
                    + "': " + e.getMessage(), e);
        }
        for (String name : p.stringPropertyNames()) {
            into.put(name, expandSystemProperties(p.getProperty(name).trim()));
        }
    }

    /** {@code ${java.io.tmpdir}} and the like become the JVM's value, so defaults fit every machine. */
    static String expandSystemProperties(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([a-zA-Z0-9_.]+)}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = System.getProperty(m.group(1));
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement == null ? m.group() : replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A copy with some values replaced (e.g. the endpoint of a local cloud that has just started). */
    public PipelineConfig withOverrides(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(values);
        merged.putAll(overrides);
        return new PipelineConfig(merged, filesRead, configDir, profile);
    }

    public String get(String key) {
        return values.get(key);
    }

    public String get(String key, String defaultValue) {
        String v = values.get(key);
        return v == null || v.isBlank() ? defaultValue : v;
    }

    /** A key that must be present; names the key and how to set it when it is not. */
    public String require(String key) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            throw new ConfigurationError("property '" + key + "' is not set: add it to "
                    + configDir.resolve("application.properties") + " or set " + envName(key));
        }
        return v;
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        String v = values.get(key);
        return v == null || v.isBlank() ? defaultValue : Boolean.parseBoolean(v.trim());
    }

    public int getInt(String key, int defaultValue) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationError("property '" + key + "' must be a whole number but is '"
                    + v + "'");
        }
    }

    /** A comma-separated list ({@code ".mov, .mp4"}), trimmed, empty entries dropped; unset or blank is empty. */
    public List<String> getList(String key) {
        return csv(values.get(key));
    }

    /** How {@link #getList} splits a value, for a value {@link #parse} hands over. */
    public static List<String> csv(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The setting read by {@code parse} (a mode, a pattern): a value {@code parse} refuses with an
     * {@link IllegalArgumentException} is the user's to fix and becomes a {@link ConfigurationError} naming the key.
     */
    public <T> T parse(String key, String defaultValue, Function<String, T> parse) {
        String value = get(key, defaultValue);
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(naming(key, e.getMessage()), e);
        }
    }

    /**
     * The file or directory a path setting names (see {@link #configPath}), read by {@code load}: one that is
     * missing, unreadable or refused ({@link IllegalArgumentException}, {@link UncheckedIOException}) becomes a
     * {@link ConfigurationError} naming the key.
     */
    public <T> T load(String key, String defaultValue, Function<Path, T> load) {
        Path path = configPath(key, defaultValue);
        try {
            return load.apply(path);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new ConfigurationError(naming(key, e.getMessage()), e);
        }
    }

    private static String naming(String key, String message) {
        return message != null && message.contains(key) ? message : "property '" + key + "': " + message;
    }

    public Map<String, String> asMap() {
        return values;
    }

    public Properties asProperties() {
        Properties p = new Properties();
        p.putAll(values);
        return p;
    }

    public List<Path> filesRead() {
        return filesRead;
    }

    public Path configDir() {
        return configDir;
    }

    public String profile() {
        return profile;
    }

    /** Resolves a path setting relative to the config directory (absolute paths stay as they are). */
    public Path configPath(String key, String defaultValue) {
        return configDir.resolve(get(key, defaultValue)).normalize();
    }
}
