package io.videopipeline.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/**
 * {@code %safeEx} in logback.xml: a stack trace as {@code %ex} prints it, except that each exception's message
 * (of the cause and suppressed ones too) is escaped with {@link LogText#safe}. Messages quote keys ("cannot
 * download s3://bucket/KEY"), ffmpeg's stderr and service answers; the frames are our own code's names and keep
 * their lines.
 */
public final class SafeThrowableConverter extends ThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return super.throwableProxyToString(SafeProxy.of(proxy));
    }

    private record SafeProxy(IThrowableProxy raw) implements IThrowableProxy {
        static IThrowableProxy of(IThrowableProxy raw) {
            return raw == null || raw instanceof SafeProxy ? raw : new SafeProxy(raw);
        }

        @Override
        public String getMessage() {
            String message = raw.getMessage();
            return message == null ? null : LogText.safe(message);
        }

        @Override
        public String getClassName() {
            return raw.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return raw.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return raw.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return of(raw.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] suppressed = raw.getSuppressed();
            if (suppressed == null) {
                return null;
            }
            IThrowableProxy[] safe = new IThrowableProxy[suppressed.length];
            for (int i = 0; i < suppressed.length; i++) {
                safe[i] = of(suppressed[i]);
            }
            return safe;
        }

        @Override
        public boolean isCyclic() {
            return raw.isCyclic();
        }
    }
}
