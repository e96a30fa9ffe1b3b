package io.videopipeline.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.event.ObjectEvent;
import io.videopipeline.localcloud.LocalCloudExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The mail ledger's {@link org.apache.camel.spi.IdempotentRepository} contract on the local cloud's S3: an entry
 * is a marker object beside the rendition that records the rendition's ETag.
 */
class MailLedgerTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String BUCKET = "video-transcoded";

    private S3Client s3;
    private MailLedger ledger;

    @BeforeEach
    void bucket() {
        s3 = CLOUD.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
        ledger = new MailLedger(s3);
    }

    @Test
    void aRenditionIsContainedOnceAddedAndAddedOnlyOnce() {
        String key = ledger.keyOf(rendition("clip/clip-720p.mp4", "abc123"));

        assertThat(ledger.contains(key)).isFalse();
        assertThat(ledger.add(key)).isTrue();
        assertThat(ledger.contains(key)).isTrue();
        assertThat(ledger.add(key)).as("already there").isFalse();
        assertThat(ledger.confirm(key)).isTrue();
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key("clip/clip-720p.mp4.mailed")).metadata())
                .containsEntry(MailLedger.META_RENDITION_ETAG, "abc123");
    }

    @Test
    void newContentUnderTheSameKeyIsNotContainedAndAddingItRecordsTheNewETag() {
        ledger.add(ledger.keyOf(rendition("a/b.mp4", "old")));
        String rewritten = ledger.keyOf(rendition("a/b.mp4", "new"));

        assertThat(ledger.contains(rewritten)).isFalse();
        assertThat(ledger.add(rewritten)).isTrue();
        assertThat(ledger.contains(rewritten)).isTrue();
        assertThat(ledger.contains(ledger.keyOf(rendition("a/b.mp4", "old")))).isFalse();
    }

    @Test
    void anEventWithoutETagCountsAnyMarkerOfTheRendition() {
        assertThat(ledger.contains(ledger.keyOf(rendition("x.mp4", null)))).isFalse();
        ledger.add(ledger.keyOf(rendition("x.mp4", "e1")));
        assertThat(ledger.contains(ledger.keyOf(rendition("x.mp4", null)))).isTrue();
    }

    @Test
    void removeForgetsOnlyTheContentItNames() {
        String key = ledger.keyOf(rendition("odd #key/with #hash.mp4", "e2"));
        ledger.add(key);

        assertThat(ledger.remove(ledger.keyOf(rendition("odd #key/with #hash.mp4", "other")))).isFalse();
        assertThat(ledger.contains(key)).isTrue();
        assertThat(ledger.remove(key)).isTrue();
        assertThat(ledger.contains(key)).isFalse();
        assertThat(ledger.remove(key)).isFalse();
    }

    @Test
    void aKeyTooLongForAMarkerBesideItIsRecordedUnderItsHash() {
        String longKey = "k/".repeat(510) + ".mp4";
        String key = ledger.keyOf(rendition(longKey, "e3"));

        assertThat(ledger.add(key)).isTrue();
        assertThat(ledger.contains(key)).isTrue();
        assertThat(MailLedger.markerKey(BUCKET, longKey)).startsWith(MailLedger.SUFFIX + "/");
    }

    @Test
    void clearIsRefusedTheLedgerListsNoBucket() {
        assertThatThrownBy(ledger::clear).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining(".mailed");
    }

    private static ObjectEvent rendition(String key, String eTag) {
        return new ObjectEvent("ObjectCreated:Put", BUCKET, key, 10L, eTag, null, (String) null, null);
    }
}
