package io.videopipeline.routing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * Object keys reach log lines from everywhere (routes log {@code ${body.key()}}, Camel logs endpoints and
 * exceptions, our code quotes keys in messages): the shipped logback.xml itself must write every control,
 * line-separator and bidi-control character of a message, and of an exception's message, escaped.
 */
class LogLineTest {

    /** ESC[31m (red), ESC]0; (window title), BEL, DEL, a C1 CSI, RLO, CR/LF, NEL, LS, PS, LRI/PDI, ALM, LRM. */
    static final String HOSTILE_KEY = "up/\u001b[31mred\u001b[0m\u001b]0;owned\u0007bell\u007fdel\u009b2J"
            + "\u202egpj.exe\r\n12:00:00.000 INFO  [main] forged - ok\u0085x\u2028y\u2029z\u2066i\u2069\u061c\u200e.mov";

    /** The characters that must never reach the terminal raw. */
    static final List<String> RAW = List.of("\u001b", "\u0007", "\u007f", "\u009b", "\u202e", "\r", "\u0085",
            "\u2028", "\u2029", "\u2066", "\u2069", "\u061c", "\u200e");

    @Test
    void theShippedConfigurationEscapesControlsAndBidiInMessagesAndExceptionMessages() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // a fresh context has none
        String out = captureStdout(() -> {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(Path.of("app/src/main/resources/logback.xml").toFile());
            Logger log = context.getLogger("io.videopipeline.test");
            log.info("Metadata s3://video-transcoded/{} written", HOSTILE_KEY);
            log.warn("Transcoding failed", new IllegalStateException("cannot download s3://video-upload/" + HOSTILE_KEY,
                    new java.io.IOException("cause quotes " + HOSTILE_KEY)));
        });
        context.stop();

        assertThat(out).doesNotContain(RAW);
        String[] lines = out.split("\n");
        // the info event is one line; the warning is its line plus the stack trace's
        assertThat(lines[0]).contains("Metadata s3://video-transcoded/up/\\u001b[31mred\\u001b[0m\\u001b]0;owned"
                + "\\u0007bell\\u007fdel\\u009b2J\\u202egpj.exe\\u000d\\u000a12:00:00.000 INFO  [main] forged - ok"
                + "\\u0085x\\u2028y\\u2029z\\u2066i\\u2069\\u061c\\u200e.mov written");
        assertThat(lines[1]).contains("WARN").endsWith("Transcoding failed");
        assertThat(lines[2]).isEqualTo("java.lang.IllegalStateException: cannot download s3://video-upload/up/"
                + "\\u001b[31mred\\u001b[0m\\u001b]0;owned\\u0007bell\\u007fdel\\u009b2J\\u202egpj.exe\\u000d\\u000a"
                + "12:00:00.000 INFO  [main] forged - ok\\u0085x\\u2028y\\u2029z\\u2066i\\u2069\\u061c\\u200e.mov");
        assertThat(out).contains("Caused by: java.io.IOException: cause quotes up/\\u001b[31m");
        assertThat(lines).noneMatch(l -> l.startsWith("12:00:00.000 INFO  [main] forged"));
    }

    @Test
    void aYamlRouteLogStepPrintingAKeyIsEscaped() throws Exception {
        // The README's own example of a new subscriber route logs ${body.key()}: that is a Camel log EIP, whose
        // output only the logging layer can escape. This runs in the test JVM's logback, i.e. the shipped file.
        String yaml = """
                - route:
                    id: log-a-key
                    from:
                      uri: direct:key
                      steps:
                        - log: "new rendition s3://video-transcoded/${body}"
                """;
        try (CamelContext camel = new DefaultCamelContext()) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("log-a-key.yaml", yaml));
            camel.start();
            String out = captureStdout(() -> camel.createProducerTemplate().sendBody("direct:key", HOSTILE_KEY));
            assertThat(out).contains("new rendition s3://video-transcoded/up/\\u001b[31mred")
                    .contains("\\u202egpj.exe\\u000d\\u000a12:00")
                    .doesNotContain(RAW);
            assertThat(out.strip().lines()).hasSize(1);
        }
    }

    @Test
    void logTextEscapesWhatSqsRefusesInAnAttributeAndKeepsSurrogatePairs() {
        // a lone surrogate (half an emoji) and the noncharacters; a whole emoji stays as it is
        assertThat(io.videopipeline.logging.LogText.safe("a\ud83cb\udf89c\ufffe\uffff\ud83c\udf89"))
                .isEqualTo("a\\ud83cb\\udf89c\\ufffe\\uffff\ud83c\udf89");
        assertThat(io.videopipeline.logging.LogText.safe("end\ud83c")).isEqualTo("end\\ud83c");
    }

    @Test
    void logTextKeepsOtherScriptsAndEmojiAndCopiesNothingWhenNothingIsEscaped() {
        String readable = "uploads/Fête 🎬 视频/מסמך ملف/clip (1).mov";
        assertThat(io.videopipeline.logging.LogText.safe(readable)).isSameAs(readable);
        assertThat(io.videopipeline.logging.LogText.safe("a\u202eb\u00a0c\u0000")).isEqualTo("a\\u202eb\u00a0c\\u0000");
    }

    interface Action {
        void run() throws Exception;
    }

    /** logback's console appender writes to whatever System.out is at the time of each event. */
    static String captureStdout(Action action) throws Exception {
        PrintStream previous = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(previous);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
