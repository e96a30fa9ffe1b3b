package io.videopipeline.localcloud.s3;

import io.videopipeline.localcloud.gateway.AwsErrorWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;


import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A bucket's notification configuration (S3 {@code PutBucketNotificationConfiguration}): queue and topic
 * destinations, each with event types and an optional key prefix/suffix filter. Parsed from and written as
 * AWS's {@code NotificationConfiguration} XML.
 */
record NotificationConfiguration(List<Destination> destinations) {

    static final String S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

    /** The event types S3 accepts in a configuration; only {@code s3:ObjectCreated:*} ones are emitted here. */
    static final Set<String> KNOWN_EVENTS = Set.of(
            "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
            "s3:ObjectCreated:CompleteMultipartUpload",
            "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
            "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete",
            "s3:ReducedRedundancyLostObject", "s3:Replication:*", "s3:LifecycleExpiration:*", "s3:LifecycleTransition",
            "s3:IntelligentTiering", "s3:ObjectTagging:*", "s3:ObjectAcl:Put", "s3:TestEvent");

    enum Kind {
        QUEUE("QueueConfiguration", "Queue"), TOPIC("TopicConfiguration", "Topic");

        final String element;
        final String arnElement;

        Kind(String element, String arnElement) {
            this.element = element;
            this.arnElement = arnElement;
        }
    }

    record Destination(Kind kind, String id, String arn, List<String> events, String prefix, String suffix) {

        /** Whether an {@code ObjectCreated:Put}-style event for {@code key} goes to this destination. */
        boolean matches(String eventName, String key) {
            String full = "s3:" + eventName;
            String wildcard = full.substring(0, full.lastIndexOf(':') + 1) + "*";
            boolean eventMatches = events.contains(full) || events.contains(wildcard);
            return eventMatches && (prefix == null || key.startsWith(prefix)) && (suffix == null || key.endsWith(suffix));
        }
    }

    /** Thrown for a configuration S3 would refuse; carries S3's error code. */
    static final class InvalidConfigurationException extends Exception {
        final String code;

        InvalidConfigurationException(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    static NotificationConfiguration empty() {
        return new NotificationConfiguration(List.of());
    }

    static NotificationConfiguration parse(byte[] xml) throws InvalidConfigurationException {
        Document document;
        try {
            document = BucketConfigFiles.parseXml(xml);
        } catch (Exception e) {
            throw new InvalidConfigurationException("MalformedXML",
                    "The XML you provided was not well-formed or did not validate against our published schema");
        }
        Element root = document.getDocumentElement();
        if (!"NotificationConfiguration".equals(root.getLocalName())) {
            throw new InvalidConfigurationException("MalformedXML",
                    "The XML you provided was not well-formed or did not validate against our published schema");
        }
        List<Destination> destinations = new ArrayList<>();
        for (Element child : children(root)) {
            switch (child.getLocalName()) {
                case "QueueConfiguration" -> destinations.add(destination(Kind.QUEUE, child));
                case "TopicConfiguration" -> destinations.add(destination(Kind.TOPIC, child));
                case "EventBridgeConfiguration" -> { } // accepted, EventBridge is not part of the local cloud
                default -> throw new InvalidConfigurationException("InvalidArgument",
                        child.getLocalName() + " is not supported by the local cloud (only queue and topic destinations)");
            }
        }
        return new NotificationConfiguration(List.copyOf(destinations));
    }

    private static Destination destination(Kind kind, Element element) throws InvalidConfigurationException {
        String id = null;
        String arn = null;
        List<String> events = new ArrayList<>();
        String prefix = null;
        String suffix = null;
        for (Element child : children(element)) {
            switch (child.getLocalName()) {
                case "Id" -> id = child.getTextContent().trim();
                case "Queue", "Topic" -> arn = child.getTextContent().trim();
                case "Event" -> {
                    String event = child.getTextContent().trim();
                    if (!KNOWN_EVENTS.contains(event)) {
                        throw new InvalidConfigurationException("InvalidArgument", "The event '" + event + "' is not supported for notifications");
                    }
                    events.add(event);
                }
                case "Filter" -> {
                    for (Element s3Key : children(child)) {
                        for (Element rule : children(s3Key)) {
                            String name = text(rule, "Name");
                            String value = text(rule, "Value");
                            // Either spelling, as S3 takes it: AWS documents "prefix"/"suffix", the SDK v2's
                            // FilterRuleName sends "Prefix"/"Suffix". Answered (toXml) the way S3 answers: capitalised.
                            if ("prefix".equalsIgnoreCase(name) && prefix == null) {
                                prefix = value;
                            } else if ("suffix".equalsIgnoreCase(name) && suffix == null) {
                                suffix = value;
                            } else {
                                throw new InvalidConfigurationException("InvalidArgument",
                                        "Cannot specify more than one prefix or suffix rule in a filter, or an unknown rule name: " + name);
                            }
                        }
                    }
                }
                default -> { }
            }
        }
        if (arn == null || arn.isEmpty() || events.isEmpty()) {
            throw new InvalidConfigurationException("MalformedXML",
                    "The XML you provided was not well-formed or did not validate against our published schema");
        }
        if (id == null || id.isEmpty()) {
            id = UUID.randomUUID().toString();
        }
        return new Destination(kind, id, arn, List.copyOf(events), emptyToNull(prefix), emptyToNull(suffix));
    }

    String toXml() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<NotificationConfiguration xmlns=\"")
                .append(S3_XMLNS).append("\">");
        for (Destination d : destinations) {
            xml.append('<').append(d.kind().element).append("><Id>").append(AwsErrorWriter.Xml.escape(d.id())).append("</Id><")
                    .append(d.kind().arnElement).append('>').append(AwsErrorWriter.Xml.escape(d.arn())).append("</")
                    .append(d.kind().arnElement).append('>');
            for (String event : d.events()) {
                xml.append("<Event>").append(AwsErrorWriter.Xml.escape(event)).append("</Event>");
            }
            if (d.prefix() != null || d.suffix() != null) {
                xml.append("<Filter><S3Key>");
                if (d.prefix() != null) {
                    xml.append("<FilterRule><Name>Prefix</Name><Value>").append(AwsErrorWriter.Xml.escape(d.prefix())).append("</Value></FilterRule>");
                }
                if (d.suffix() != null) {
                    xml.append("<FilterRule><Name>Suffix</Name><Value>").append(AwsErrorWriter.Xml.escape(d.suffix())).append("</Value></FilterRule>");
                }
                xml.append("</S3Key></Filter>");
            }
            xml.append("</").append(d.kind().element).append('>');
        }
        return xml.append("</NotificationConfiguration>").toString();
    }

    byte[] toXmlBytes() {
        return toXml().getBytes(StandardCharsets.UTF_8);
    }

    /** The queue or topic name at the end of an ARN ({@code arn:aws:sqs:region:account:name}). */
    static String resourceName(String arn) {
        return arn.substring(arn.lastIndexOf(':') + 1);
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                elements.add(e);
            }
        }
        return elements;
    }

    private static String text(Element parent, String localName) {
        for (Element e : children(parent)) {
            if (localName.equals(e.getLocalName())) {
                return e.getTextContent().trim();
            }
        }
        return "";
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
