package io.videopipeline.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.event.ObjectEvent;
import io.videopipeline.localcloud.LocalCloudExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * The mail ledger on the local cloud's S3: a rendition is mailed once a marker object beside it records its ETag.
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
    void aRenditionIsMailedOnceRecordedAndTheMarkerHoldsItsETag() {
        ObjectEvent rendition = rendition("clip/clip-720p.mp4", "abc123");

        assertThat(ledger.notMailed(rendition)).isTrue();
        ledger.record(rendition);
        assertThat(ledger.notMailed(rendition)).isFalse();
        assertThat(ledger.mailed(rendition)).isTrue();
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key("clip/clip-720p.mp4.mailed")).metadata())
                .containsEntry(MailLedger.META_RENDITION_ETAG, "abc123");
    }

    @Test
    void newContentUnderTheSameKeyIsNotMailedAndRecordingItReplacesTheETag() {
        ledger.record(rendition("a/b.mp4", "old"));
        ObjectEvent rewritten = rendition("a/b.mp4", "new");

        assertThat(ledger.notMailed(rewritten)).isTrue();
        ledger.record(rewritten);
        assertThat(ledger.mailed(rewritten)).isTrue();
        assertThat(ledger.mailed(rendition("a/b.mp4", "old"))).isFalse();
    }

    @Test
    void anEventWithoutETagCountsAnyMarkerOfTheRendition() {
        assertThat(ledger.mailed(rendition("x.mp4", null))).isFalse();
        ledger.record(rendition("x.mp4", "e1"));
        assertThat(ledger.mailed(rendition("x.mp4", null))).isTrue();
    }

    @Test
    void keysWithHashesAndOddCharactersAreTheirOwnEntries() {
        ledger.record(rendition("odd #key/with #hash.mp4", "e2"));
        assertThat(ledger.mailed(rendition("odd #key/with #hash.mp4", "e2"))).isTrue();
        assertThat(ledger.mailed(rendition("odd #key/with", "e2"))).isFalse();
    }

    @Test
    void aKeyTooLongForAMarkerBesideItIsRecordedUnderItsHash() {
        String longKey = "k/" + "a".repeat(1018) + ".mp4";
        ObjectEvent rendition = rendition(longKey, "e3");

        ledger.record(rendition);
        assertThat(ledger.mailed(rendition)).isTrue();
        assertThat(MailLedger.markerKey(BUCKET, longKey)).startsWith(MailLedger.SUFFIX + "/");
    }

    @Test
    void aFailedMarkerWriteIsAnErrorTheRouteSeesNotASilentSkip() {
        ObjectEvent elsewhere = new ObjectEvent("ObjectCreated:Put", "no-such-bucket", "a.mp4", 10L, "e4", null,
                (String) null, null);
        assertThatThrownBy(() -> ledger.record(elsewhere)).isInstanceOf(NoSuchBucketException.class);
    }

    private static ObjectEvent rendition(String key, String eTag) {
        return new ObjectEvent("ObjectCreated:Put", BUCKET, key, 10L, eTag, null, (String) null, null);
    }
}
