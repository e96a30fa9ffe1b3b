package io.videopipeline.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.failure.AwsErrors;
import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.notify.LinkMaker;
import io.videopipeline.s3.S3Objects;
import io.videopipeline.stream.StreamKeys;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The library: every upload with its job record, newest first, filtered and paged ({@code GET /api/uploads}), and
 * one upload with what the page needs to watch it ({@code GET /api/uploads/detail}). The records are the truth; the
 * package's objects are linked as set-permissions makes them readable (public URLs for the stream, poster and
 * storyboard) and the MP4 downloads presigned for {@code pipeline.console.presign-seconds}.
 *
 * <p>A listing reads every record (one LIST page per 1,000 keys and a GET per record): fine for a library of
 * hundreds; past that, the records need an index this pipeline does not keep.
 */
public final class UploadLibrary {

    public static final int MAX_PAGE_SIZE = 200;

    private final JobRecordStore records;
    private final S3Client s3;
    private final LinkMaker links;

    /** @param records null: job records are off ({@code pipeline.jobs.enabled=false}), the library is empty */
    public UploadLibrary(JobRecordStore records, S3Client s3, LinkMaker links) {
        this.records = records;
        this.s3 = s3;
        this.links = links;
    }

    public ObjectNode list(String state, String q, int page, int size) {
        JobView.checkState(state);
        if (page < 0) {
            throw ConsoleError.badRequest("page must be 0 or more, got " + page);
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw ConsoleError.badRequest("size must be 1 to " + MAX_PAGE_SIZE + ", got " + size);
        }
        String needle = q == null ? "" : q.toLowerCase(Locale.ROOT);
        List<JobRecord> all = records == null ? List.of() : records.list("").stream()
                .filter(r -> JobView.inState(r, state))
                .filter(r -> needle.isEmpty() || r.source().key().toLowerCase(Locale.ROOT).contains(needle))
                .sorted(Comparator.comparing((JobRecord r) -> instant(r.updated())).reversed()
                        .thenComparing(r -> r.source().key()))
                .toList();
        ObjectNode answer = JobView.JSON.createObjectNode();
        ArrayNode items = answer.putArray("items");
        long from = (long) page * size;
        for (long i = from; i < Math.min(all.size(), from + size); i++) {
            items.add(JobView.of(all.get((int) i)));
        }
        answer.put("page", page);
        answer.put("size", size);
        answer.put("total", all.size());
        return answer;
    }

    /** A record's time as an instant: as text, {@code …:05Z} would sort before {@code …:05.120Z}. */
    private static java.time.Instant instant(String time) {
        try {
            return time == null ? java.time.Instant.EPOCH : java.time.Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return java.time.Instant.EPOCH;
        }
    }

    /** The record of {@code key}, or 404. */
    public JobRecord record(String key) {
        if (records == null) {
            throw ConsoleError.notFound("job records are off (pipeline.jobs.enabled=false)");
        }
        return records.read(ConsoleKeys.existing(key))
                .orElseThrow(() -> ConsoleError.notFound("no job record for that key"));
    }

    /** The Job view of {@code key} if it has a record (for the event stream); null if none. */
    public ObjectNode view(String key) {
        return records == null ? null : records.read(key).map(JobView::of).orElse(null);
    }

    public ObjectNode detail(String key) {
        JobRecord record = record(key);
        ObjectNode answer = JobView.of(record);
        ObjectNode watch = answer.putObject("watch");
        String bucket = records.bucket();
        String master = record.outputs().stream().map(JobRecord.Output::key).filter(StreamKeys::isMaster)
                .findFirst().orElse(null);
        watch.put("master", master == null ? null : links.publicLink(bucket, master).url());
        String poster = null;
        String storyboard = null;
        JsonNode summary = null;
        if (master != null) {
            String prefix = StreamKeys.packagePrefix(master);
            String name = StreamKeys.name(master);
            poster = S3Objects.exists(s3, bucket, StreamKeys.posterKey(master)) ? StreamKeys.posterKey(master) : null;
            String vtt = prefix + "pictures/" + name + "-storyboard.vtt";
            storyboard = S3Objects.exists(s3, bucket, vtt) ? vtt : null;
            summary = readJson(bucket, prefix + name + ".json");
        }
        watch.put("poster", poster == null ? null : links.publicLink(bucket, poster).url());
        watch.put("storyboardVtt", storyboard == null ? null : links.publicLink(bucket, storyboard).url());
        ArrayNode renditions = watch.putArray("renditions");
        for (JobRecord.Output o : record.outputs()) {
            if (o.key().toLowerCase(Locale.ROOT).endsWith(".mp4")) {
                ObjectNode r = renditions.addObject();
                r.put("preset", o.preset());
                r.put("width", o.width());
                r.put("height", o.height());
                r.put("url", links.presignedLink(bucket, o.key()).url());
            }
        }
        watch.set("summary", summary);
        return answer;
    }

    private JsonNode readJson(String bucket, String key) {
        try {
            return JobView.JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        } catch (SdkException e) {
            if (AwsErrors.isMissing(e)) {
                return null;
            }
            throw e;
        } catch (IOException e) {
            return null; // not a summary the page can show: it shows none
        }
    }
}
