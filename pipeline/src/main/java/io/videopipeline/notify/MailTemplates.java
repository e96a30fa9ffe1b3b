package io.videopipeline.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The mail templates of {@code config/mail/}: {@code rendition-ready.subject.txt},
 * {@code rendition-ready.txt}, {@code rendition-ready.html} and the same three for
 * {@code source-ready} (one mail per source) and {@code job-failed} (a transcoding job failed). Read once; a placeholder no mail can fill is reported
 * at load, with the file, instead of in the first mail.
 */
public final class MailTemplates {

    /** Placeholders of a rendition-ready mail. */
    public static final Set<String> RENDITION_PLACEHOLDERS = Set.of("bucket", "key", "fileName", "size",
            "sizeBytes", "sourceBucket", "sourceKey", "preset", "duration", "link", "linkExpiry");
    /**
     * Placeholders of a source-ready mail; {@code renditions} is the list and {@code stream} the stream's and poster's
     * links (empty without a streaming package), both rendered by the code.
     */
    public static final Set<String> SOURCE_PLACEHOLDERS = Set.of("bucket", "sourceBucket", "sourceKey",
            "sourceName", "count", "renditions", "stream");

    /** Placeholders of a job-failed mail (a cloud transcoder reported an error for a source). */
    public static final Set<String> JOB_FAILED_PLACEHOLDERS = Set.of("sourceBucket", "sourceKey", "jobId", "backend",
            "reason");

    /** One kind of mail: subject, text and HTML template. */
    public record Kind(String subject, String text, String html) {
    }

    private final Kind renditionReady;
    private final Kind sourceReady;
    private final Kind jobFailed;

    public MailTemplates(Kind renditionReady, Kind sourceReady, Kind jobFailed) {
        this.renditionReady = Objects.requireNonNull(renditionReady, "renditionReady");
        this.sourceReady = Objects.requireNonNull(sourceReady, "sourceReady");
        this.jobFailed = Objects.requireNonNull(jobFailed, "jobFailed");
    }

    /** Loads and checks the six templates from {@code dir} (e.g. {@code config/mail}). */
    public static MailTemplates load(Path dir) {
        return new MailTemplates(kind(dir, "rendition-ready", RENDITION_PLACEHOLDERS),
                kind(dir, "source-ready", SOURCE_PLACEHOLDERS), kind(dir, "job-failed", JOB_FAILED_PLACEHOLDERS));
    }

    public Kind renditionReady() {
        return renditionReady;
    }

    public Kind sourceReady() {
        return sourceReady;
    }

    public Kind jobFailed() {
        return jobFailed;
    }

    private static Kind kind(Path dir, String name, Set<String> allowed) {
        return new Kind(read(dir.resolve(name + ".subject.txt"), allowed),
                read(dir.resolve(name + ".txt"), allowed),
                read(dir.resolve(name + ".html"), allowed));
    }

    private static String read(Path file, Set<String> allowed) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read mail template " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        Set<String> unknown = new TreeSet<>(TemplateRenderer.placeholders(text));
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Mail template " + file.toAbsolutePath() + " uses unknown placeholder(s) "
                    + unknown + "; available: " + new TreeSet<>(allowed));
        }
        return text;
    }
}
