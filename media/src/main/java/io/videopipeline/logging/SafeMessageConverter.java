package io.videopipeline.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %safeMsg} in logback.xml: the formatted message with every control, line-separator and bidi-control
 * character escaped ({@link LogText#safe}). Untrusted text reaches log messages from many places we do not
 * write ourselves — a YAML route's {@code log: "... ${body.key()}"}, Camel's own messages quoting endpoints and
 * exceptions, the AWS SDK — so the escaping happens here, once, for every event, rather than at each call site.
 */
public final class SafeMessageConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return LogText.safe(event.getFormattedMessage());
    }
}
