package io.videopipeline.config;

import io.videopipeline.notify.LinkSettings;
import io.videopipeline.permissions.AclMode;
import io.videopipeline.routing.SqsAcknowledger;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.transcode.KeyCollision;
import io.videopipeline.transcode.TranscoderProvider;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Every setting with a fixed set of values, a range or a "required when" rule, checked once before anything
 * starts. Without it a typo surfaces late and far away: {@code pipeline.mail.transport=smpt} was found only
 * when the first mail was sent, and then every mail was retried and dead-lettered; {@code true} spelt
 * {@code ture} silently reads as false.
 *
 * <p>A failure is one line naming the key, the value and what is allowed (exit code 3). The allowed values come
 * from the code that reads the setting where there is one ({@link AclMode}, {@link FfmpegSettings#X264_PRESETS},
 * the transcoder providers on the class path), so the check and the use cannot drift apart.
 */
public final class SettingsCheck {

    /** The backends built in; {@link TranscoderProvider}s on the class path add theirs. */
    static final List<String> BUILT_IN_TRANSCODERS = List.of("ffmpeg", "elastictranscoder", "mediaconvert", "lambda");
    /** {@code routes/send-mail.yaml} compares the value literally. */
    static final List<String> MAIL_TRANSPORTS = List.of("smtp", "sns", "log");

    private static final List<String> BOOLEANS = List.of(
            "pipeline.routes.live-reload", "pipeline.localcloud.enabled", "pipeline.localcloud.transient",
            "pipeline.provision.on-start", "pipeline.inbox.enabled", "pipeline.job-events.enabled",
            "pipeline.hls.enabled", "pipeline.aws.force-path-style", "pipeline.mail.starttls", "pipeline.jobs.enabled",
            "pipeline.console.enabled");

    private static final List<String> ALWAYS_REQUIRED = List.of(
            "pipeline.aws.region", "pipeline.buckets.upload", "pipeline.buckets.transcoded",
            "pipeline.queues.upload-events", "pipeline.queues.email", "pipeline.queues.acl", "pipeline.queues.metadata",
            "pipeline.topic.transcoded", "pipeline.transcode.output-key-pattern", "pipeline.presets.file",
            "pipeline.mail.from", "pipeline.mail.to", "pipeline.mail.templates-dir",
            "pipeline.ffmpeg.path", "pipeline.ffprobe.path", "pipeline.ffmpeg.work-dir");

    private SettingsCheck() {
    }

    /** Throws a {@link ConfigurationError} (exit 3) naming the first bad setting, and how many more there are. */
    public static void check(PipelineConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            String more = problems.size() == 1 ? "" : " (and " + (problems.size() - 1) + " more setting"
                    + (problems.size() == 2 ? "" : "s") + " to fix)";
            throw new ConfigurationError(problems.get(0) + more);
        }
    }

    /** Every bad setting, one line each, in the order the rules are listed. */
    public static List<String> problems(PipelineConfig config) {
        List<String> out = new ArrayList<>();
        Checker c = new Checker(config, out);

        c.oneOf("pipeline.transcoder", transcoders(), false);
        c.oneOf("pipeline.mail.transport", MAIL_TRANSPORTS, false);
        c.oneOf("pipeline.mail.mode", List.of("per-rendition", "per-source"), true);
        c.oneOf("pipeline.acl.mode", Arrays.stream(AclMode.values()).map(AclMode::value).toList(), true);
        c.oneOf("pipeline.mail.link.mode",
                Arrays.stream(LinkSettings.Mode.values()).map(m -> m.name().toLowerCase(Locale.ROOT)).toList(), true);
        c.oneOf("pipeline.ffmpeg.x264-preset", FfmpegSettings.X264_PRESETS, false);
        c.oneOf("pipeline.lambda.invocation-type", List.of("RequestResponse", "Event"), true);
        c.oneOf("pipeline.transcode.on-key-collision",
                Arrays.stream(KeyCollision.values()).map(k -> k.name().toLowerCase(Locale.ROOT)).toList(), true);
        c.oneOf("pipeline.sqs.acknowledge",
                Arrays.stream(SqsAcknowledger.Mode.values()).map(SqsAcknowledger.Mode::value).toList(), true);
        BOOLEANS.forEach(c::bool);

        c.number("pipeline.shutdown.grace-seconds", 0, Integer.MAX_VALUE);
        c.number("pipeline.retry.attempts", 0, Integer.MAX_VALUE);
        c.number("pipeline.retry.delay-ms", 1, Integer.MAX_VALUE);
        c.number("pipeline.retry.max-delay-ms", 1, Integer.MAX_VALUE);
        c.number("pipeline.retry.max-receives", 1, 1000); // SQS maxReceiveCount
        c.number("pipeline.intake.max-records", 1, Integer.MAX_VALUE);
        c.number("pipeline.sqs.acknowledge-attempts", 1, 100);
        c.number("pipeline.sqs.acknowledge-retry-delay-ms", 0, Integer.MAX_VALUE);
        c.number("pipeline.sqs.acknowledge-batch-size", 1, SqsAcknowledger.Settings.MAX_BATCH);
        c.number("pipeline.sqs.acknowledge-batch-window-ms", 0, SqsAcknowledger.Settings.MAX_WINDOW_MS);
        c.number("pipeline.sqs.acknowledge-flush-seconds", 0, Integer.MAX_VALUE);
        c.number("pipeline.sqs.acknowledge-backlog", 1, Integer.MAX_VALUE);
        // extended every half of it: below 2 s the extensions would come every few hundred milliseconds
        c.number("pipeline.sqs.receive-visibility-seconds", 2, 43_200);
        c.number("pipeline.transcode.concurrency", 1, Integer.MAX_VALUE);
        c.number("pipeline.transcode.parallel-encodes", 1, Integer.MAX_VALUE);
        c.number("pipeline.transcode.visibility-timeout-seconds", 0, 43_200); // SQS: at most 12 hours
        c.number("pipeline.provision.visibility-timeout-seconds", 0, 43_200);
        c.number("pipeline.transcode.multipart-threshold-mb", 5, Integer.MAX_VALUE); // S3's smallest part
        c.number("pipeline.transcode.upload-concurrency", 1, 64);
        c.number("pipeline.transcode.abort-stale-uploads-after-hours", 0, Integer.MAX_VALUE);
        c.number("pipeline.ffmpeg.threads", 0, Integer.MAX_VALUE);
        // fractions are fine (a test's 3 s timeout is 0.05); zero or less would fail every job
        c.positive("pipeline.ffmpeg.timeout-minutes");
        c.positive("pipeline.transcode.max-duration-minutes");
        c.positive("pipeline.transcode.max-frame-rate");
        c.number("pipeline.transcode.max-input-mb", 1, Long.MAX_VALUE >> 20);
        c.number("pipeline.transcode.max-pixels", 1, Long.MAX_VALUE);
        c.number("pipeline.ffmpeg.progress-log-seconds", 1, Integer.MAX_VALUE);
        c.number("pipeline.lambda.timeout-seconds", 1, 900); // Lambda's limit
        c.number("pipeline.metadata.timeout-seconds", 1, Integer.MAX_VALUE);
        c.number("pipeline.metadata.presign-seconds", 1, 604_800); // SigV4: 7 days
        c.number("pipeline.mail.link.lifetime-hours", 1, 168);
        c.number("pipeline.mail.port", 1, 65_535);
        c.number("pipeline.localcloud.port", 0, 65_535); // 0: any free port
        c.number("pipeline.localcloud.smtp-port", 0, 65_535);
        c.number("pipeline.metrics.queue-depth-interval-seconds", 0, Integer.MAX_VALUE);
        c.number("camel.management.port", 0, 65_535);
        c.number("pipeline.console.port", 0, 65_535);
        c.number("pipeline.console.presign-seconds", 1, 604_800); // SigV4: 7 days
        c.number("pipeline.console.part-size-mib", 5, 5 * 1024); // S3: parts of 5 MiB to 5 GiB
        c.number("pipeline.console.heartbeat-seconds", 1, 3600);

        ALWAYS_REQUIRED.forEach(key -> c.required(key, null));
        c.url("pipeline.aws.endpoint-url");
        if (config.get("pipeline.aws.access-key", "").isBlank() != config.get("pipeline.aws.secret-key", "").isBlank()) {
            out.add("properties 'pipeline.aws.access-key' and 'pipeline.aws.secret-key' must be set together (or both"
                    + " left empty for the default credential chain)" + where(config, "pipeline.aws.secret-key"));
        }
        String transcoder = config.get("pipeline.transcoder", "ffmpeg").trim();
        switch (transcoder) {
            case "mediaconvert" -> c.required("pipeline.mediaconvert.role-arn", "pipeline.transcoder=mediaconvert");
            case "lambda" -> c.required("pipeline.lambda.function", "pipeline.transcoder=lambda");
            case "elastictranscoder" -> {
                // In the local profile the runner creates a local pipeline when none is named.
                if (!config.getBoolean("pipeline.localcloud.enabled", false)) {
                    c.required("pipeline.elastictranscoder.pipeline-id", "pipeline.transcoder=elastictranscoder");
                }
            }
            default -> { }
        }
        switch (config.get("pipeline.mail.transport", "smtp").trim()) {
            case "sns" -> c.required("pipeline.mail.sns-topic", "pipeline.mail.transport=sns");
            case "smtp" -> c.required("pipeline.mail.host", "pipeline.mail.transport=smtp");
            default -> { }
        }
        if (config.getBoolean("pipeline.job-events.enabled", false)) {
            c.required("pipeline.queues.job-events", "pipeline.job-events.enabled=true");
        }
        // one port, one server: Camel would put the console's API on the management server (and its host)
        String consolePort = config.get("pipeline.console.port", "8000").trim();
        if (config.getBoolean("pipeline.console.enabled", true) && config.getBoolean("camel.management.enabled", true)
                && !consolePort.equals("0") && consolePort.equals(config.get("camel.management.port", "8080").trim())) {
            out.add("properties 'pipeline.console.port' and 'camel.management.port' are both " + consolePort
                    + ": give the console a port of its own" + where(config, "pipeline.console.port"));
        }
        return out;
    }

    private static List<String> transcoders() {
        List<String> names = new ArrayList<>(BUILT_IN_TRANSCODERS);
        ServiceLoader.load(TranscoderProvider.class).stream().map(p -> p.get().name())
                .filter(n -> !names.contains(n)).forEach(names::add);
        return names;
    }

    /** Where to change it: the files read, the environment variable, --set. */
    private static String where(PipelineConfig config, String key) {
        return ": set it in " + config.configDir().resolve("application*.properties") + ", as "
                + PipelineConfig.envName(key) + " or with --set " + key + "=...";
    }

    private record Checker(PipelineConfig config, List<String> out) {

        void oneOf(String key, List<String> allowed, boolean ignoreCase) {
            String value = config.get(key);
            if (value == null || value.isBlank()) {
                return; // the code's default applies; required() covers keys that need a value
            }
            String v = value.trim();
            Predicate<String> same = a -> ignoreCase ? a.equalsIgnoreCase(v) : a.equals(v);
            if (allowed.stream().noneMatch(same)) {
                out.add(bad(key, value, "one of " + String.join(", ", allowed)));
            }
        }

        void bool(String key) {
            oneOf(key, List.of("true", "false"), true);
        }

        void number(String key, long min, long max) {
            String value = config.get(key);
            if (value == null || value.isBlank()) {
                return;
            }
            String range = max >= Integer.MAX_VALUE ? "a whole number ≥ " + min
                    : "a whole number from " + min + " to " + max;
            try {
                long n = Long.parseLong(value.trim());
                if (n < min || n > max) {
                    out.add(bad(key, value, range));
                }
            } catch (NumberFormatException e) {
                out.add(bad(key, value, range));
            }
        }

        void positive(String key) {
            String value = config.get(key);
            if (value == null || value.isBlank()) {
                return;
            }
            try {
                double n = Double.parseDouble(value.trim());
                if (!(n > 0) || Double.isInfinite(n)) {
                    out.add(bad(key, value, "a number > 0"));
                }
            } catch (NumberFormatException e) {
                out.add(bad(key, value, "a number > 0"));
            }
        }

        void required(String key, String because) {
            if (config.get(key, "").isBlank()) {
                out.add("property '" + key + "' is empty but required" + (because == null ? "" : " with " + because)
                        + where(config, key));
            }
        }

        void url(String key) {
            String value = config.get(key, "");
            if (value.isBlank()) {
                return;
            }
            try {
                URI uri = URI.create(value.trim());
                if (Stream.of("http", "https").noneMatch(s -> s.equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
                    out.add(bad(key, value, "an http:// or https:// URL, or empty for AWS itself"));
                }
            } catch (IllegalArgumentException e) {
                out.add(bad(key, value, "an http:// or https:// URL, or empty for AWS itself"));
            }
        }

        private String bad(String key, String value, String expected) {
            return "property '" + key + "' is '" + value + "' but must be " + expected + where(config, key);
        }
    }
}
