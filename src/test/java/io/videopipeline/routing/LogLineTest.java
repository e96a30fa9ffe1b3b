package io.videopipeline.routing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Object keys reach log messages (routes log {@code ${body.key}}, Camel logs endpoints and exceptions): the shipped
 * log pattern must keep every event on one line whatever line breaks a key holds.
 */
class LogLineTest {

    @Test
    void theShippedLogPatternKeepsAMessageWithLineBreaksOnOneLine() throws Exception {
        String xml = Files.readString(Path.of("src/main/resources/logback.xml"));
        Matcher m = Pattern.compile("<pattern>(.*?)</pattern>").matcher(xml);
        assertThat(m.find()).isTrue();
        LoggerContext context = new LoggerContext();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(m.group(1));
        layout.start();
        String key = "evil\r\n12:00:00.000 INFO  [main] forged - Mail sent\u0085x\u2028y\u2029z\nend.mov";
        LoggingEvent event = new LoggingEvent("test", context.getLogger("io.videopipeline.test"), Level.INFO,
                "Metadata s3://video-transcoded/{} written", null, new Object[] {key});

        String line = layout.doLayout(event);

        assertThat(line).endsWith(System.lineSeparator());
        assertThat(line.substring(0, line.length() - System.lineSeparator().length()))
                .doesNotContain("\r", "\n", "\u0085", "\u2028", "\u2029")
                .contains("evil\\n\\n12:00:00.000 INFO  [main] forged - Mail sent\\nx\\ny\\nz\\nend.mov written");
    }
}
