package io.videopipeline.jobs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.failure.AwsErrors;
import io.videopipeline.logging.LogText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Job records in the transcoded bucket, changed only by conditional writes: {@code If-None-Match: *} creates one,
 * {@code If-Match: <ETag read>} replaces exactly the version the change was computed from. A write that loses a race
 * (412) reads the record again and asks {@link JobRecord#supersedes} once more, so replicas competing for one upload
 * keep one record that only moves forward.
 *
 * <p>The version this process wrote last is remembered, so an uncontended update is one PUT (no GET); a record
 * written meanwhile by another replica makes that PUT fail its condition and costs one GET more.
 */
public final class JobRecordStore {

    private static final Logger LOG = LoggerFactory.getLogger(JobRecordStore.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /**
     * How long one change may keep losing races before it gives up. Not a count of lost races: every race lost is
     * another writer's change stored, so the record always moves, and a writer may rightly lose as many races as
     * the others make changes meanwhile. A writer that has just stored a change writes its next one without a GET
     * (it knows the ETag), while one that lost must GET first, so under contention the writer that is ahead tends
     * to stay ahead until its own run of changes ends: with six replicas writing six changes each on a loaded
     * machine, a change lost 16 races in a row (what the old bound of 16 tries took for "something is wrong",
     * and JobRecordStoreTest's flake). Time is what a caller can wait; this bounds it.
     */
    private static final java.time.Duration GIVE_UP_AFTER = java.time.Duration.ofSeconds(30);

    /** A record and the ETag of the object holding it. */
    public record Stored(JobRecord record, String eTag) {
    }

    private final S3Client s3;
    private final String bucket;
    private final JobRecordKeys keys;
    private final Map<String, Stored> lastWritten = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    public JobRecordStore(S3Client s3, String bucket, JobRecordKeys keys) {
        this.s3 = s3;
        this.bucket = bucket;
        this.keys = keys;
    }

    public String bucket() {
        return bucket;
    }

    public String keyFor(String sourceKey) {
        return keys.keyFor(sourceKey);
    }

    /** S3 requests this store made (GET, PUT, LIST), for measuring what the records cost. */
    public long requests() {
        return requests.get();
    }

    /** The record of an upload, or empty if there is none. */
    public Optional<JobRecord> read(String sourceKey) {
        return Optional.ofNullable(fetch(keys.keyFor(sourceKey))).map(Stored::record);
    }

    /**
     * Applies {@code change} to the current record (null if none) and stores the result if it
     * {@linkplain JobRecord#supersedes supersedes} the record it was computed from.
     *
     * @param change returns the wanted record, or null for no change
     * @return the record stored now (what was there, if the change was refused), or empty if there is none
     * @throws SdkException if S3 fails otherwise than by a failed condition
     */
    public Optional<JobRecord> update(String sourceKey, UnaryOperator<JobRecord> change) {
        String key = keys.keyFor(sourceKey);
        Stored current = lastWritten.get(key);
        boolean fresh = false;
        long giveUp = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        for (int lost = 0; lost == 0 || System.nanoTime() < giveUp; ) {
            if (current == null && !fresh) {
                current = fetch(key);
                fresh = true;
            }
            JobRecord before = current == null ? null : current.record();
            JobRecord wanted = change.apply(before);
            if (wanted == null || !wanted.supersedes(before)) {
                if (!fresh) { // refused on what this process wrote last: ask again on what is there now
                    current = null;
                    continue;
                }
                return Optional.ofNullable(before);
            }
            String eTag = put(key, wanted, current);
            if (eTag != null) {
                Stored written = new Stored(wanted, eTag);
                if (wanted.state().terminal()) {
                    lastWritten.remove(key);
                } else {
                    lastWritten.put(key, written);
                }
                return Optional.of(wanted);
            }
            lastWritten.remove(key);
            backOff(lost++);
            current = fetch(key); // someone else wrote it since: decide again on what is there now
            fresh = true;
        }
        throw new IllegalStateException("job record s3://" + bucket + "/" + LogText.safe(key) + " kept changing under"
                + " this write for " + GIVE_UP_AFTER.toSeconds() + " s");
    }

    /** A few random milliseconds, more after each lost race, so that racing writers stop colliding. */
    private static void backOff(int lost) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 4L << Math.min(lost, 4)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a job record", e);
        }
    }

    /** Every record under {@code prefix} (of the source keys' namespace: records sit beside the renditions). */
    public List<JobRecord> list(String prefix) {
        List<JobRecord> records = new ArrayList<>();
        String start = keys.fixedPrefix() + (prefix == null ? "" : prefix);
        String suffix = keys.fixedSuffix();
        requests.incrementAndGet();
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(start))) {
            for (S3Object object : page.contents()) {
                if (object.key().endsWith(suffix)) {
                    Stored stored = fetch(object.key());
                    if (stored != null && stored.record() != null) {
                        records.add(stored.record());
                    }
                }
            }
        }
        return records;
    }

    /** The newest records (by their objects' Last-Modified) and how many records there are in all. */
    public record Recent(List<JobRecord> records, int found) {
    }

    /**
     * The {@code limit} records last written, newest first: the listing (one request per 1,000 keys) finds them by
     * Last-Modified, and only those are read, so a bucket of many uploads costs its LIST pages and {@code limit} GETs.
     */
    public Recent recent(int limit) {
        String start = keys.fixedPrefix();
        String suffix = keys.fixedSuffix();
        Comparator<S3Object> oldestFirst = Comparator.comparing(S3Object::lastModified).thenComparing(S3Object::key);
        PriorityQueue<S3Object> newest = new PriorityQueue<>(oldestFirst);
        int found = 0;
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(start))) {
            requests.incrementAndGet();
            for (S3Object object : page.contents()) {
                if (object.key().endsWith(suffix)) {
                    found++;
                    newest.add(object);
                    if (newest.size() > limit) {
                        newest.poll();
                    }
                }
            }
        }
        List<S3Object> chosen = new ArrayList<>(newest);
        chosen.sort(oldestFirst.reversed());
        List<JobRecord> records = new ArrayList<>();
        for (S3Object object : chosen) {
            Stored stored = fetch(object.key());
            if (stored != null && stored.record() != null) {
                records.add(stored.record());
            }
        }
        return new Recent(records, found);
    }

    private Stored fetch(String key) {
        requests.incrementAndGet();
        ResponseBytes<GetObjectResponse> bytes;
        try {
            bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            if (AwsErrors.isMissing(e)) {
                return null;
            }
            throw e;
        }
        try {
            return new Stored(JSON.readValue(bytes.asByteArray(), JobRecord.class), bytes.response().eTag());
        } catch (IOException | RuntimeException e) {
            // not ours to keep: an unreadable record is replaced by the next state change
            LOG.warn("Job record s3://{}/{} is unreadable and will be replaced: {}", bucket, LogText.safe(key),
                    LogText.safe(e.getMessage()));
            return new Stored(null, bytes.response().eTag());
        }
    }

    /** The new ETag, or null if the object changed since {@code current} was read (412, or 409 on a racing write). */
    private String put(String key, JobRecord record, Stored current) {
        byte[] body;
        try {
            body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a job record as JSON", e);
        }
        requests.incrementAndGet();
        try {
            return s3.putObject(b -> {
                b.bucket(bucket).key(key).contentType("application/json");
                if (current == null) {
                    b.ifNoneMatch("*");
                } else {
                    b.ifMatch(current.eTag());
                }
            }, RequestBody.fromBytes(body)).eTag();
        } catch (S3Exception e) {
            // 409 ConditionalRequestConflict: S3's answer to two conditional writes of one key at once
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return null;
            }
            throw e;
        }
    }
}
