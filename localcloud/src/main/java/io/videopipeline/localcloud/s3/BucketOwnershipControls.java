package io.videopipeline.localcloud.s3;

import java.nio.file.Path;
import java.util.Set;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * S3 Object Ownership per bucket ({@code PUT/GET/DELETE /{bucket}?ownershipControls}), which S3Proxy lacks: kept in
 * memory and, unless transient, as {@code <dir>/<bucket>.xml} (AWS's XML) so it survives a restart. A bucket without
 * controls behaves as before Object Ownership existed (ACLs honoured); {@code BucketOwnerEnforced} disables ACLs,
 * which the gateway enforces the way S3 does ({@code AccessControlListNotSupported}).
 */
final class BucketOwnershipControls {

    static final String BUCKET_OWNER_ENFORCED = "BucketOwnerEnforced";
    static final Set<String> VALUES = Set.of("BucketOwnerPreferred", "ObjectWriter", BUCKET_OWNER_ENFORCED);
    private static final String XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

    private final BucketDocumentStore<String> ownership;

    /** @param dir where the controls are written, or null to keep them in memory only */
    BucketOwnershipControls(Path dir) {
        this.ownership = new BucketDocumentStore<>("ownership controls", dir,
                value -> toXml(value).getBytes(java.nio.charset.StandardCharsets.UTF_8), BucketOwnershipControls::parse);
    }

    /** The bucket's ObjectOwnership, or null when it has no ownership controls. */
    String get(String bucket) {
        return ownership.get(bucket);
    }

    boolean aclsDisabled(String bucket) {
        return BUCKET_OWNER_ENFORCED.equals(ownership.get(bucket));
    }

    void put(String bucket, String objectOwnership) {
        if (!VALUES.contains(objectOwnership)) {
            throw new IllegalArgumentException("ObjectOwnership must be one of " + VALUES + ", was " + objectOwnership);
        }
        ownership.put(bucket, objectOwnership);
    }

    void remove(String bucket) {
        ownership.remove(bucket);
    }

    static String toXml(String objectOwnership) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OwnershipControls xmlns=\"" + XMLNS + "\"><Rule><ObjectOwnership>"
                + objectOwnership + "</ObjectOwnership></Rule></OwnershipControls>";
    }

    /**
     * The ObjectOwnership of an {@code OwnershipControls} document (exactly one rule, as S3 requires).
     *
     * @throws IllegalArgumentException saying what is wrong (S3 answers MalformedXML)
     */
    static String parse(byte[] xml) {
        Document document;
        try {
            document = BucketConfigFiles.parseXml(xml);
        } catch (Exception e) {
            throw new IllegalArgumentException("OwnershipControls is not well-formed XML: " + e.getMessage());
        }
        Element root = document.getDocumentElement();
        if (!"OwnershipControls".equals(root.getLocalName())) {
            throw new IllegalArgumentException("the root element must be OwnershipControls, was " + root.getLocalName());
        }
        NodeList rules = root.getElementsByTagNameNS("*", "Rule");
        if (rules.getLength() != 1) {
            throw new IllegalArgumentException("OwnershipControls must hold exactly one Rule, had " + rules.getLength());
        }
        NodeList values = ((Element) rules.item(0)).getElementsByTagNameNS("*", "ObjectOwnership");
        String value = values.getLength() == 1 ? values.item(0).getTextContent().trim() : null;
        if (value == null || !VALUES.contains(value)) {
            throw new IllegalArgumentException("ObjectOwnership must be one of BucketOwnerPreferred, ObjectWriter or"
                    + " BucketOwnerEnforced, was " + value);
        }
        return value;
    }
}
