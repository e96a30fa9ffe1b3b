package io.videopipeline.notify;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Renders notification mails from the templates: one per rendition ({@code rendition-ready}) or
 * one per source once every rendition exists ({@code source-ready}, see {@link SourceCompletion}).
 *
 * <p>Every value is untrusted (keys come from uploaders): the subject is made header-safe, values in
 * the text body are kept to one line, values in the HTML body are escaped. Placeholders are filled in
 * one pass, so a key containing {@code ${link}} stays literal.
 */
public final class RenditionMail {

    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final MailTemplates templates;
    private final MailSettings settings;

    public RenditionMail(MailTemplates templates, MailSettings settings) {
        this.templates = Objects.requireNonNull(templates, "templates");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The mail saying one rendition is ready. */
    /** A cloud transcoder's job for {@code sourceKey} failed; {@code reason} is its own words. */
    public MailMessage jobFailed(String backend, String jobId, String sourceBucket, String sourceKey, String reason) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("backend", backend);
        values.put("jobId", jobId);
        values.put("sourceBucket", sourceBucket);
        values.put("sourceKey", sourceKey);
        values.put("reason", reason);
        return render(templates.jobFailed(), values, Map.of(), Map.of());
    }

    public MailMessage renditionReady(Rendition r) {
        return render(templates.renditionReady(), values(r), Map.of(), Map.of());
    }

    /**
     * A source's streaming package, for its mail.
     *
     * @param master the master playlist's key (untrusted text)
     * @param link   where to play it
     * @param poster the poster's link, or null when the package has none
     */
    public record Stream(String master, Link link, Link poster) {
        public Stream {
            Objects.requireNonNull(master, "master");
            Objects.requireNonNull(link, "link");
        }
    }

    /**
     * The mail saying every rendition of a source is ready, with its stream and poster ({@code ${stream}}) when
     * {@code stream} is not null.
     *
     * @param renditions all MP4 renditions of the source, in the order to list them
     */
    public MailMessage sourceReady(List<Rendition> renditions, Stream stream) {
        if (renditions == null || renditions.isEmpty()) {
            throw new IllegalArgumentException("source-ready mail needs at least one rendition");
        }
        Rendition first = renditions.get(0);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("bucket", first.bucket());
        values.put("sourceBucket", first.sourceBucket());
        values.put("sourceKey", first.sourceKey());
        values.put("sourceName", sourceName(first));
        values.put("count", Integer.toString(renditions.size()));

        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder("<ul>\n");
        for (Rendition r : renditions) {
            Map<String, String> v = values(r);
            text.append("- ").append(MailText.singleLine(v.get("preset"))).append(": ")
                    .append(MailText.singleLine(v.get("key"))).append(" (").append(v.get("size"))
                    .append(r.duration() == null ? "" : ", " + v.get("duration")).append(")\n  ")
                    .append(MailText.singleLine(v.get("link"))).append("\n  ")
                    .append(v.get("linkExpiry")).append('\n');
            html.append("  <li><strong>").append(MailText.html(v.get("preset"))).append("</strong>: <a href=\"")
                    .append(MailText.html(v.get("link"))).append("\">").append(MailText.html(v.get("key")))
                    .append("</a> (").append(MailText.html(v.get("size")))
                    .append(r.duration() == null ? "" : ", " + MailText.html(v.get("duration")))
                    .append(") <small>").append(MailText.html(v.get("linkExpiry"))).append("</small></li>\n");
        }
        html.append("</ul>");
        String list = text.toString().stripTrailing();
        return render(templates.sourceReady(), values, Map.of("renditions", list, "stream", streamText(stream)),
                Map.of("renditions", html.toString(), "stream", streamHtml(stream)));
    }

    private static String streamText(Stream stream) {
        if (stream == null) {
            return "";
        }
        StringBuilder text = new StringBuilder("Stream (HLS): ").append(MailText.singleLine(stream.link().url()))
                .append("\n  ").append(expiry(stream.link()));
        if (stream.poster() != null) {
            text.append("\nPoster: ").append(MailText.singleLine(stream.poster().url()));
        }
        return text.append('\n').toString();
    }

    private static String streamHtml(Stream stream) {
        if (stream == null) {
            return "";
        }
        StringBuilder html = new StringBuilder("<p>Stream (HLS): <a href=\"")
                .append(MailText.html(stream.link().url())).append("\">").append(MailText.html(stream.master()))
                .append("</a> <small>").append(MailText.html(expiry(stream.link()))).append("</small>");
        if (stream.poster() != null) {
            html.append("<br>Poster: <a href=\"").append(MailText.html(stream.poster().url()))
                    .append("\"><img src=\"").append(MailText.html(stream.poster().url()))
                    .append("\" alt=\"poster\" width=\"320\"></a>");
        }
        return html.append("</p>").toString();
    }

    private static String expiry(Link link) {
        return link.expiresAt() == null ? "public link" : "link valid until " + EXPIRY.format(link.expiresAt());
    }

    private MailMessage render(MailTemplates.Kind kind, Map<String, String> values, Map<String, String> trustedText,
            Map<String, String> trustedHtml) {
        // The whole rendered subject is cleaned, so a newline at the end of the template file is harmless.
        String subject = MailText.subject(TemplateRenderer.render(kind.subject(), values, MailText::singleLine,
                Map.of("renditions", "", "stream", "")), settings.subjectMax());
        String text = TemplateRenderer.render(kind.text(), values, MailText::singleLine, trustedText);
        String html = TemplateRenderer.render(kind.html(), values, (UnaryOperator<String>) MailText::html, trustedHtml);
        return new MailMessage(settings.to(), settings.from(), subject, text, html);
    }

    private static Map<String, String> values(Rendition r) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("bucket", r.bucket());
        v.put("key", r.key());
        v.put("fileName", r.fileName());
        v.put("size", humanSize(r.sizeBytes()));
        v.put("sizeBytes", Long.toString(r.sizeBytes()));
        v.put("sourceBucket", r.sourceBucket());
        v.put("sourceKey", r.sourceKey());
        v.put("preset", r.preset());
        v.put("duration", r.duration() == null ? "unknown" : humanDuration(r.duration()));
        v.put("link", r.link().url());
        v.put("linkExpiry", expiry(r.link()));
        return v;
    }

    private static String sourceName(Rendition r) {
        String key = r.sourceKey().isEmpty() ? r.key() : r.sourceKey();
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** 1536 → "1.5 KB" (binary multiples, as file managers show). */
    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** 83.4 s → "1:23", 3725 s → "1:02:05". */
    static String humanDuration(Duration d) {
        long s = Math.round(d.toMillis() / 1000.0);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
