package io.videopipeline.localcloud.s3;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.videopipeline.localcloud.gateway.AwsErrorWriter;

/**
 * A bucket's CORS configuration in S3's model ({@code PutBucketCors}): rules tried in order, the first whose origin,
 * method and requested headers all match answers. Origins and headers may hold one {@code *} wildcard each; header
 * names match case-insensitively, origins exactly, as in S3.
 */
record CorsConfiguration(List<Rule> rules) {

    private static final String XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final Set<String> METHODS = Set.of("GET", "PUT", "POST", "DELETE", "HEAD");
    private static final int MAX_RULES = 100;

    record Rule(String id, List<String> allowedOrigins, List<String> allowedMethods, List<String> allowedHeaders,
                List<String> exposeHeaders, Integer maxAgeSeconds) {

        /** The AllowedOrigin matching {@code origin}, or null. */
        String originMatching(String origin) {
            return allowedOrigins.stream().filter(pattern -> wildcardMatch(pattern, origin)).findFirst().orElse(null);
        }

        boolean allows(String origin, String method, List<String> requestHeaders) {
            return originMatching(origin) != null && allowedMethods.contains(method)
                    && requestHeaders.stream().allMatch(h -> allowedHeaders.stream()
                    .anyMatch(p -> wildcardMatch(p.toLowerCase(Locale.ROOT), h.toLowerCase(Locale.ROOT))));
        }
    }

    CorsConfiguration {
        rules = List.copyOf(rules);
    }

    /** The first rule allowing the request, or null. */
    Rule match(String origin, String method, List<String> requestHeaders) {
        return rules.stream().filter(r -> r.allows(origin, method, requestHeaders)).findFirst().orElse(null);
    }

    /** S3's rejection of a configuration: error code and message. */
    static final class InvalidCorsException extends Exception {
        private static final long serialVersionUID = 1L;
        final String code;

        InvalidCorsException(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    static CorsConfiguration parse(byte[] xml) throws InvalidCorsException {
        Document document;
        try {
            document = BucketConfigFiles.parseXml(xml);
        } catch (Exception e) {
            throw malformed();
        }
        Element root = document.getDocumentElement();
        if (!"CORSConfiguration".equals(root.getLocalName())) {
            throw malformed();
        }
        NodeList ruleElements = root.getElementsByTagNameNS("*", "CORSRule");
        if (ruleElements.getLength() == 0) {
            throw malformed();
        }
        if (ruleElements.getLength() > MAX_RULES) {
            throw new InvalidCorsException("InvalidRequest", "The number of CORS rules should not exceed allowed limit of "
                    + MAX_RULES + " rules.");
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < ruleElements.getLength(); i++) {
            Element rule = (Element) ruleElements.item(i);
            List<String> origins = texts(rule, "AllowedOrigin");
            List<String> methods = texts(rule, "AllowedMethod");
            if (origins.isEmpty() || methods.isEmpty()) {
                throw malformed();
            }
            for (String method : methods) {
                if (!METHODS.contains(method)) {
                    throw new InvalidCorsException("InvalidRequest",
                            "Found unsupported HTTP method in CORS config. Unsupported method is " + method);
                }
            }
            for (String origin : origins) {
                if (origin.chars().filter(c -> c == '*').count() > 1) {
                    throw new InvalidCorsException("InvalidRequest", "AllowedOrigin \"" + origin
                            + "\" can not have more than one wildcard.");
                }
            }
            List<String> ages = texts(rule, "MaxAgeSeconds");
            Integer maxAge;
            try {
                maxAge = ages.isEmpty() ? null : Integer.valueOf(ages.get(0));
            } catch (NumberFormatException e) {
                throw malformed();
            }
            List<String> ids = texts(rule, "ID");
            rules.add(new Rule(ids.isEmpty() ? null : ids.get(0), origins, methods, texts(rule, "AllowedHeader"),
                    texts(rule, "ExposeHeader"), maxAge));
        }
        return new CorsConfiguration(rules);
    }

    byte[] toXmlBytes() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CORSConfiguration xmlns=\"")
                .append(XMLNS).append("\">");
        for (Rule rule : rules) {
            xml.append("<CORSRule>");
            if (rule.id() != null) {
                element(xml, "ID", rule.id());
            }
            rule.allowedHeaders().forEach(h -> element(xml, "AllowedHeader", h));
            rule.allowedMethods().forEach(m -> element(xml, "AllowedMethod", m));
            rule.allowedOrigins().forEach(o -> element(xml, "AllowedOrigin", o));
            rule.exposeHeaders().forEach(h -> element(xml, "ExposeHeader", h));
            if (rule.maxAgeSeconds() != null) {
                element(xml, "MaxAgeSeconds", rule.maxAgeSeconds().toString());
            }
            xml.append("</CORSRule>");
        }
        return xml.append("</CORSConfiguration>").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void element(StringBuilder xml, String name, String text) {
        xml.append('<').append(name).append('>').append(AwsErrorWriter.Xml.escape(text)).append("</").append(name).append('>');
    }

    private static List<String> texts(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagNameNS("*", name);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent().trim());
        }
        return texts;
    }

    /** {@code pattern} with at most one {@code *} standing for any run of characters. */
    static boolean wildcardMatch(String pattern, String value) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(value);
        }
        String prefix = pattern.substring(0, star);
        String suffix = pattern.substring(star + 1);
        return value.length() >= prefix.length() + suffix.length() && value.startsWith(prefix) && value.endsWith(suffix);
    }

    private static InvalidCorsException malformed() {
        return new InvalidCorsException("MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema");
    }
}
