package io.videopipeline.notify;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code ${name}} placeholders in one pass, so a value that itself contains {@code ${link}}
 * (an object key can) is never expanded again. Not a template engine on purpose: mail templates
 * need values, not logic.
 */
final class TemplateRenderer {

    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_.-]*)}");

    private TemplateRenderer() {
    }

    /**
     * @param values  placeholder values, still raw
     * @param escape  applied to every value from {@code values}
     * @param trusted values inserted as they are (markup this code built from escaped parts)
     */
    static String render(String template, Map<String, String> values, UnaryOperator<String> escape,
            Map<String, String> trusted) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        while (m.find()) {
            String name = m.group(1);
            String value;
            if (trusted.containsKey(name)) {
                value = trusted.get(name);
            } else if (values.containsKey(name)) {
                value = escape.apply(values.get(name));
            } else {
                throw new IllegalArgumentException("No value for placeholder ${" + name + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Placeholders used in {@code template}. */
    static Set<String> placeholders(String template) {
        Set<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
