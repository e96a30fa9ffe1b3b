package io.videopipeline.cli;

import io.videopipeline.config.ConfigurationError;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.ResolveEndpointFailedException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what Camel throws at start-up into one line a user can act on. Camel nests the real reason
 * several causes deep (route → endpoint → property); we name the route and its file and the innermost
 * reason, and add what to do for the mistakes people actually make. What is not a user's mistake is
 * left as it is: a bug keeps its stack trace.
 */
public final class StartupErrors {

    private static final Pattern MISSING_PROPERTY =
            Pattern.compile("Property with key \\[([^\\]]+)\\] not found");
    private static final Pattern NO_COMPONENT = Pattern.compile("No component found with scheme: (\\S+)");

    private StartupErrors() {
    }

    /**
     * A {@link UserError} or {@link ConfigurationError} for what the user can fix (wherever Camel nested it);
     * anything else unchanged (a checked exception wrapped).
     */
    public static RuntimeException explain(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UserError u) {
                return u;
            }
            if (t instanceof ConfigurationError c) {
                return c;
            }
        }
        String where = where(failure);
        Throwable root = innermost(failure);
        String reason = root instanceof java.nio.file.NoSuchFileException missing
                ? "file not found: " + missing.getFile()
                : oneLine(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());

        Matcher m = MISSING_PROPERTY.matcher(allMessages(failure));
        if (m.find()) {
            String key = m.group(1);
            return new UserError(UserError.CONFIG, where + "property '" + key
                    + "' is not defined: add it to config/application.properties (or the profile file)"
                    + " or set " + io.videopipeline.config.PipelineConfig.envName(key), failure);
        }
        Matcher c = NO_COMPONENT.matcher(allMessages(failure));
        if (c.find()) {
            return new UserError(UserError.CONFIG, where + "unknown component '" + c.group(1)
                    + "' in an endpoint URI: check the spelling of the endpoint", failure);
        }
        if (isYamlError(failure)) {
            return new UserError(UserError.CONFIG, where + "YAML route does not parse: " + reason, failure);
        }
        if (hasCause(failure, FailedToCreateRouteException.class)
                || hasCause(failure, FailedToStartRouteException.class)
                || hasCause(failure, ResolveEndpointFailedException.class)
                || hasCause(failure, NoSuchEndpointException.class)) {
            return new UserError(UserError.CONFIG, where + "route cannot start: " + reason, failure);
        }
        return failure instanceof RuntimeException r ? r : new IllegalStateException(where + reason, failure);
    }

    private static String where(Throwable failure) {
        String routeId = null;
        String file = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException f && routeId == null) {
                routeId = f.getRouteId();
            }
            if (t instanceof FailedToStartRouteException f && routeId == null) {
                routeId = f.getRouteId();
            }
            Matcher m = Pattern.compile("(file:[^\\s,]+\\.ya?ml)").matcher(String.valueOf(t.getMessage()));
            if (file == null && m.find()) {
                file = m.group(1).replaceFirst("^file:", "");
            }
        }
        if (routeId == null && file == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        if (routeId != null) {
            sb.append("route '").append(routeId).append("'");
        }
        if (file != null) {
            sb.append(sb.isEmpty() ? "file " + file : " (" + file + ")");
        }
        return sb.append(": ").toString();
    }

    private static boolean isYamlError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String name = t.getClass().getName();
            if (name.startsWith("org.snakeyaml") || name.contains(".yaml.")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable innermost(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String allMessages(Throwable failure) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }

    static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
