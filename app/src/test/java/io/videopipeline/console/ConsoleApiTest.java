package io.videopipeline.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.FreePorts;
import io.videopipeline.PipelineTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;

import static io.videopipeline.console.ConsoleClient.JSON;
import static io.videopipeline.console.ConsoleClient.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's API through real HTTP against the real runner (shipped routes, local profile) on a local cloud: what
 * the page does, call by call — a browser upload in parts with plain PUTs to the presigned URLs, the transcode it
 * starts, the live events, the watch URLs, retry, delete, the DLQ counts — and what it refuses.
 */
class ConsoleApiTest {

    private static final String UPLOAD = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    /** The page's origin as the shipped CORS rules name it (pipeline.cors.allowed-origins). */
    private static final String PAGE_ORIGIN = "http://127.0.0.1:8000";
    private static final Duration TRANSCODE = Duration.ofSeconds(180);

    @TempDir
    static Path work;
    private static PipelineTestApp app;
    private static ConsoleClient console;

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work.resolve("app"), Map.of(
                "pipeline.console.part-size-mib", "5",
                "camel.management.enabled", "true",
                // a port of its own: two servers asked for port 0 are taken for one by Camel (one router per port)
                "camel.management.port", String.valueOf(FreePorts.next()),
                // a fixed console port as a user's (port 0 hid it: with management's server beside it, the REST
                // services took port 8080's router, management's, and the console's API answered 404)
                "pipeline.console.port", String.valueOf(FreePorts.next()),
                "pipeline.jobs.progress-interval-seconds", "1"));
        console = new ConsoleClient(app.consoleUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aBrowserUploadInPartsIsTranscodedFollowedLiveWatchedAndDeleted() throws Exception {
        String key = "console/parts clip.mp4";
        Path clip = noiseClip(work.resolve("noise.mp4"));
        byte[] bytes = Files.readAllBytes(clip);
        assertThat(bytes.length).as("a clip of two parts at least").isGreaterThan(5 * 1024 * 1024);
        Events events = Events.open(console);

        JsonNode started = startUpload(key, bytes.length, "video/mp4");
        assertThat(started.get("key").asText()).isEqualTo(key);
        assertThat(started.get("partSize").asLong()).isEqualTo(5L * 1024 * 1024);
        ArrayNode parts = (ArrayNode) started.get("parts");
        assertThat(parts.size()).isEqualTo(2);
        ArrayNode done = JSON.createArrayNode();
        for (JsonNode part : parts) {
            int n = part.get("partNumber").asInt();
            int from = (n - 1) * started.get("partSize").asInt();
            byte[] slice = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + started.get("partSize").asInt()));
            String url = part.get("url").asText();
            // the browser's preflight, then its PUT: the bucket's CORS rule lets the page read each part's ETag
            HttpResponse<String> preflight = console.http().send(HttpRequest.newBuilder(URI.create(url))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", PAGE_ORIGIN)
                    .header("Access-Control-Request-Method", "PUT").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).as(preflight.body()).isEqualTo(200);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(PAGE_ORIGIN);
            HttpResponse<Void> put = console.http().send(HttpRequest.newBuilder(URI.create(url)).header("Origin", PAGE_ORIGIN)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(slice)).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(put.headers().firstValue("Access-Control-Expose-Headers").orElse("")).containsIgnoringCase("ETag");
            done.addObject().put("partNumber", n).put("etag", put.headers().firstValue("ETag").orElseThrow());
        }
        ConsoleClient.Answer completed = console.post("/api/uploads/complete", JSON.createObjectNode().put("key", key)
                .put("uploadId", started.get("uploadId").asText()).set("parts", done));
        assertThat(completed.status()).as(completed.text()).isEqualTo(200);
        assertThat(completed.json().get("key").asText()).isEqualTo(key);
        assertThat(app.s3().headObject(b -> b.bucket(UPLOAD).key(key)).contentLength()).isEqualTo(bytes.length);

        JsonNode ready = awaitState(key, "ready");
        assertThat(ready.get("state").asText()).isEqualTo("Complete");
        assertThat(ready.get("percent").asDouble()).isEqualTo(100.0);
        assertThat(ready.get("outputs").size()).isGreaterThanOrEqualTo(3);
        // the stream told the page: the job's state changes arrived as Job documents, the last one ready
        List<JsonNode> seen = events.awaitJob(key, "ready");
        // what the stream adds: from the record's Complete write to the event's arrival here
        long lagMs = events.arrivalOf(key, "ready").toEpochMilli()
                - java.time.Instant.parse(ready.get("finished").asText()).toEpochMilli();
        System.out.println("console: Complete event arrived " + lagMs + " ms after the record was written");
        assertThat(lagMs).isLessThan(2000);
        assertThat(seen).extracting(j -> j.get("consoleState").asText()).contains("ready");
        assertThat(seen).extracting(j -> j.get("consoleState").asText()).containsAnyOf("uploaded", "transcoding");
        events.close();

        // the library lists it, and search finds it
        ConsoleClient.Answer found = console.get("/api/uploads?q=" + q("PARTS clip") + "&state=ready");
        assertThat(found.json().get("items")).extracting(j -> j.get("key").asText()).containsExactly(key);

        // watch: every URL the page gets is fetchable, the MP4s presigned, the stream public
        // the poster, storyboard and package summary come from routes that follow the stream's notifications,
        // so they may land after the record says Complete: wait for them, as the page's reload would
        JsonNode watch = awaitWatch(key);
        assertThat(fetch(watch.get("master").asText())).startsWith("#EXTM3U");
        assertThat(fetch(watch.get("poster").asText())).isNotEmpty();
        assertThat(fetch(watch.get("storyboardVtt").asText())).startsWith("WEBVTT");
        assertThat(watch.get("summary").isObject()).isTrue();
        assertThat(watch.get("renditions").size()).isGreaterThanOrEqualTo(3);
        for (JsonNode r : watch.get("renditions")) {
            assertThat(r.get("url").asText()).contains("X-Amz-Signature=").contains("X-Amz-Expires=900");
            assertThat(status(r.get("url").asText())).isEqualTo(200);
        }

        // a chunked job's work prefix left behind (its worker stopped before the stitch) goes with the upload
        String recordKey = app.s3().listObjectsV2(b -> b.bucket(TRANSCODED).prefix("console/parts clip/")).contents()
                .stream().map(o -> o.key()).filter(k -> k.endsWith(".job.json")).findFirst().orElseThrow();
        String jobId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(app.s3().getObjectAsBytes(b -> b
                .bucket(TRANSCODED).key(recordKey)).asByteArray()).get("jobId").asText();
        app.s3().putObject(b -> b.bucket(TRANSCODED).key("_chunks/" + jobId + "/c00000/o0.part"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("part"));
        // delete: the upload and everything derived from it
        ConsoleClient.Answer deleted = console.delete("/api/uploads?key=" + q(key));
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
        assertThat(deleted.json().get("deleted").asInt()).isGreaterThan(5);
        assertThat(app.s3().listObjectsV2(b -> b.bucket(UPLOAD).prefix("console/parts")).contents()).isEmpty();
        assertThat(app.s3().listObjectsV2(b -> b.bucket(TRANSCODED).prefix("console/parts clip/")).contents()).isEmpty();
        assertThat(app.s3().listObjectsV2(b -> b.bucket(TRANSCODED).prefix("_chunks/" + jobId + "/")).contents())
                .isEmpty();
        assertThat(console.get("/api/uploads/detail?key=" + q(key)).status()).isEqualTo(404);
        assertThat(console.delete("/api/uploads?key=" + q(key)).status()).isEqualTo(404);
    }

    @Test
    void aCorruptUploadFailsWithItsReasonAndRetryRedrivesOnlyItsDeadLetter() throws Exception {
        String key = "console/broken.mov";
        String other = "console/broken-too.mov";
        uploadWhole(key, garbage(20_000, 3));
        uploadWhole(other, garbage(20_000, 4));
        JsonNode failed = awaitState(key, "failed");
        awaitState(other, "failed");
        assertThat(failed.get("reason").asText()).isNotBlank();
        assertThat(failed.get("parkedIn").asText()).isEqualTo("video-upload-events-dlq");

        JsonNode dlq = console.get("/api/dlq").json();
        assertThat(dlq.get("queues")).extracting(n -> n.get("queue").asText())
                .contains("video-upload-events", "transcoded-video-email", "transcoded-video-acl",
                        "transcoded-video-metadata", "transcode-chunks");
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters("video-upload-events") >= 2);
        // a dead chunk task counts as the chunk queue's
        int chunkLetters = deadLetters("transcode-chunks");
        app.sqs().sendMessage(b -> b.queueUrl(app.queueUrl("transcode-chunks-dlq")).messageBody("{}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters("transcode-chunks") == chunkLetters + 1);

        ConsoleClient.Answer retried = console.post("/api/uploads/retry?key=" + q(key), null);
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        assertThat(retried.json().get("redriven").asInt()).isEqualTo(1);
        // its second attempt fails as the first did, and is parked again; the other upload's letter never moved
        await().atMost(TRANSCODE).until(() -> {
            JsonNode j = console.get("/api/uploads/detail?key=" + q(key)).json();
            return "failed".equals(j.get("consoleState").asText())
                    && app.s3().getObjectAsBytes(b -> b.bucket(TRANSCODED).key("console/broken/broken.job.json"))
                    .asUtf8String().contains("\"attempts\" : 2");
        });
        JsonNode otherRecord = JSON.readTree(app.s3().getObjectAsBytes(b -> b.bucket(TRANSCODED)
                .key("console/broken-too/broken-too.job.json")).asByteArray());
        assertThat(otherRecord.get("attempts").asInt()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters("video-upload-events") >= 2);
        assertThat(console.post("/api/uploads/retry?key=" + q("console/never-uploaded.mov"), null).status())
                .isEqualTo(404);
    }

    @Test
    void theLibraryIsNewestFirstFilteredSearchedAndPaged() throws Exception {
        for (int i = 0; i < 3; i++) {
            uploadWhole("paging/clip-" + i + ".mov", garbage(5_000, 10 + i));
        }
        for (int i = 0; i < 3; i++) {
            awaitState("paging/clip-" + i + ".mov", "failed");
        }
        JsonNode first = console.get("/api/uploads?q=paging/&size=2&page=0").json();
        JsonNode second = console.get("/api/uploads?q=paging/&size=2&page=1").json();
        assertThat(first.get("total").asInt()).isEqualTo(3);
        assertThat(first.get("items").size()).isEqualTo(2);
        assertThat(second.get("items").size()).isEqualTo(1);
        List<String> updated = new ArrayList<>();
        first.get("items").forEach(j -> updated.add(j.get("updated").asText()));
        second.get("items").forEach(j -> updated.add(j.get("updated").asText()));
        assertThat(updated.stream().map(java.time.Instant::parse).toList())
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(console.get("/api/uploads?q=paging/&state=failed").json().get("total").asInt()).isEqualTo(3);
        assertThat(console.get("/api/uploads?q=paging/&state=Error").json().get("total").asInt()).isEqualTo(3);
        assertThat(console.get("/api/uploads?q=paging/&state=ready").json().get("total").asInt()).isZero();
        ConsoleClient.Answer badState = console.get("/api/uploads?state=sideways");
        assertThat(badState.status()).isEqualTo(400);
        assertThat(badState.json().get("error").asText()).contains("state must be one of");
        assertThat(console.get("/api/uploads?size=1000").status()).isEqualTo(400);
        assertThat(console.get("/api/uploads?page=x").status()).isEqualTo(400);
    }

    @Test
    void anUploadCanBeAborted() throws Exception {
        String key = "console/aborted.mp4";
        JsonNode started = startUpload(key, 12 * 1024 * 1024, "video/mp4");
        assertThat(started.get("parts").size()).isEqualTo(3);
        String uploadId = started.get("uploadId").asText();
        ConsoleClient.Answer aborted = console.post("/api/uploads/abort",
                JSON.createObjectNode().put("key", key).put("uploadId", uploadId));
        assertThat(aborted.status()).as(aborted.text()).isEqualTo(204);
        assertThat(app.s3().listMultipartUploads(b -> b.bucket(UPLOAD)).uploads())
                .noneMatch(u -> u.uploadId().equals(uploadId));
        assertThat(console.post("/api/uploads/abort", JSON.createObjectNode().put("key", key).put("uploadId", uploadId))
                .status()).isEqualTo(404);
    }

    @Test
    void hostileKeysRoundTripIntactAsJson() throws Exception {
        String hostile = "console/<script>alert(\"x\")</script> 'q' \u202Egnp.mov";
        uploadWhole(hostile, garbage(3_000, 99));
        JsonNode failed = awaitState(hostile, "failed");
        assertThat(failed.get("key").asText()).isEqualTo(hostile);
        ConsoleClient.Answer listed = console.get("/api/uploads?q=" + q("<script>"));
        assertThat(listed.json().get("items")).extracting(j -> j.get("key").asText()).containsExactly(hostile);
        assertThat(listed.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(listed.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        String kilobyte = "console/" + "k".repeat(1024 - "console/".length() - ".mp4".length()) + ".mp4";
        assertThat(kilobyte.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(1024);
        JsonNode started = startUpload(kilobyte, 10, "video/mp4");
        assertThat(started.get("key").asText()).isEqualTo(kilobyte);
        console.post("/api/uploads/abort", JSON.createObjectNode().put("key", kilobyte)
                .put("uploadId", started.get("uploadId").asText()));
        ConsoleClient.Answer tooLong = console.post("/api/uploads", JSON.createObjectNode()
                .put("key", "x" + kilobyte).put("size", 10));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("error").asText()).contains("1025 bytes");
        ConsoleClient.Answer control = console.post("/api/uploads", JSON.createObjectNode()
                .put("key", "console/a\nb.mp4").put("size", 10));
        assertThat(control.status()).isEqualTo(400);
        assertThat(console.post("/api/uploads", JSON.createObjectNode().put("key", "console/notes.txt").put("size", 10))
                .json().get("error").asText()).contains("would not be transcoded");
    }

    @Test
    void stateChangingCallsFromAnotherOriginAreRefused() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("key", "console/csrf.mp4").put("size", 10);
        ConsoleClient.Answer evil = console.withOrigin("http://evil.example").post("/api/uploads", body);
        assertThat(evil.status()).isEqualTo(403);
        assertThat(evil.json().get("error").asText()).isEqualTo("origin not allowed");
        assertThat(console.withOrigin(null).post("/api/uploads", body).status()).isEqualTo(403);
        assertThat(console.withOrigin("http://evil.example").delete("/api/uploads?key=" + q("console/x.mp4"))
                .status()).isEqualTo(403);
        // a query parameter never stands in for the header
        assertThat(console.withOrigin(null).post("/api/uploads/retry?key=a.mp4&Origin=" + q(app.consoleUrl()), null)
                .status()).isEqualTo(400);
        assertThat(console.withOrigin("http://evil.example").post("/api/uploads/retry?key=a.mp4&CamelHttpMethod=GET",
                null).status()).isEqualTo(400);
        assertThat(app.s3().listMultipartUploads(b -> b.bucket(UPLOAD)).uploads())
                .noneMatch(u -> u.key().equals("console/csrf.mp4"));
        // the origins the operator allows may
        ConsoleClient.Answer allowed = console.withOrigin(PAGE_ORIGIN).post("/api/uploads", body);
        assertThat(allowed.status()).as(allowed.text()).isEqualTo(200);
        console.post("/api/uploads/abort", JSON.createObjectNode().put("key", "console/csrf.mp4")
                .put("uploadId", allowed.json().get("uploadId").asText()));
    }

    @Test
    void managementStaysOnItsOwnServerAndTheApiOnTheConsoles() throws Exception {
        int management = app.camel().hasService(org.apache.camel.component.platform.http.main.ManagementHttpServer.class)
                .getRouter().getServer().getPort();
        assertThat("http://127.0.0.1:" + management).isNotEqualTo(app.consoleUrl());
        assertThat(status("http://127.0.0.1:" + management + "/observe/health")).isEqualTo(200);
        assertThat(status("http://127.0.0.1:" + management + "/api/uploads")).isEqualTo(404);
        assertThat(status(app.consoleUrl() + "/observe/health")).isEqualTo(404);
        assertThat(status(app.consoleUrl() + "/api/uploads")).isEqualTo(200);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static JsonNode startUpload(String key, long size, String type) throws Exception {
        ConsoleClient.Answer a = console.post("/api/uploads", JSON.createObjectNode().put("key", key).put("size", size)
                .put("contentType", type));
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        return a.json();
    }

    /** An upload of one part, as the page sends a small file. */
    private static void uploadWhole(String key, byte[] bytes) throws Exception {
        JsonNode started = startUpload(key, bytes.length, "application/octet-stream");
        HttpResponse<Void> put = console.http().send(HttpRequest.newBuilder(URI.create(
                        started.get("parts").get(0).get("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(put.statusCode()).isEqualTo(200);
        ArrayNode parts = JSON.createArrayNode();
        parts.addObject().put("partNumber", 1).put("etag", put.headers().firstValue("ETag").orElseThrow());
        ConsoleClient.Answer done = console.post("/api/uploads/complete", JSON.createObjectNode().put("key", key)
                .put("uploadId", started.get("uploadId").asText()).set("parts", parts));
        assertThat(done.status()).as(done.text()).isEqualTo(200);
    }

    private static JsonNode awaitState(String key, String consoleState) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(TRANSCODE).pollInterval(Duration.ofMillis(500)).until(() -> {
            ConsoleClient.Answer a = console.get("/api/uploads/detail?key=" + q(key));
            last[0] = a.json();
            return a.status() == 200 && consoleState.equals(a.json().get("consoleState").asText());
        });
        return last[0];
    }

    private static JsonNode awaitWatch(String key) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(TRANSCODE).pollInterval(Duration.ofMillis(250)).until(() -> {
            ConsoleClient.Answer a = console.get("/api/uploads/detail?key=" + q(key));
            assertThat(a.status()).as(a.text()).isEqualTo(200);
            last[0] = a.json().get("watch");
            return last[0].get("summary").isObject() && last[0].hasNonNull("poster")
                    && last[0].hasNonNull("storyboardVtt");
        });
        return last[0];
    }

    private static int deadLetters(String queue) throws Exception {
        for (JsonNode q : console.get("/api/dlq").json().get("queues")) {
            if (q.get("queue").asText().equals(queue)) {
                return q.get("deadLetters").asInt();
            }
        }
        return -1;
    }

    private static String fetch(String url) throws Exception {
        HttpResponse<String> r = console.http().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    private static int status(String url) throws Exception {
        return console.http().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static byte[] garbage(int size, long seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** One second of 640x360 noise, lossless: about 9 MB that ffmpeg reads as a video. */
    static Path noiseClip(Path out) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "nullsrc=s=640x360:r=25:d=1,geq=lum='random(1)*255':cb=128:cr=128", "-c:v", "libx264",
                "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-movflags", "+faststart", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isZero();
        return out;
    }

    /** The page's event stream: {@code GET /api/events}, each {@code event: job} collected as it arrives. */
    static final class Events implements AutoCloseable {
        private final BlockingQueue<JsonNode> jobs = new LinkedBlockingQueue<>();
        private final Map<String, java.time.Instant> arrivals = new java.util.concurrent.ConcurrentHashMap<>();
        private final List<JsonNode> seen = new ArrayList<>();
        private final CompletableFuture<?> stream;

        private Events(CompletableFuture<?> stream) {
            this.stream = stream;
        }

        static Events open(ConsoleClient console) throws Exception {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response = console.http().sendAsync(
                    console.request("/api/events").GET().build(), HttpResponse.BodyHandlers.ofLines());
            HttpResponse<java.util.stream.Stream<String>> r = response.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            Events events = new Events(CompletableFuture.runAsync(() -> r.body().forEach(lines::add)));
            Thread reader = new Thread(() -> {
                try {
                    String event = null;
                    while (true) {
                        String line = lines.take();
                        if (line.startsWith("event: ")) {
                            event = line.substring(7);
                        } else if (line.startsWith("data: ") && "job".equals(event)) {
                            JsonNode job = JSON.readTree(line.substring(6));
                            events.arrivals.putIfAbsent(job.get("key").asText() + "|" + job.get("consoleState").asText(),
                                    java.time.Instant.now());
                            events.jobs.add(job);
                        }
                    }
                } catch (Exception e) {
                    // the stream ended
                }
            }, "test-events");
            reader.setDaemon(true);
            reader.start();
            return events;
        }

        /** Every Job event of {@code key} until one in {@code state} (waits for it). */
        List<JsonNode> awaitJob(String key, String state) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode j;
                while ((j = jobs.poll()) != null) {
                    seen.add(j);
                }
                return seen.stream().anyMatch(s -> s.get("key").asText().equals(key)
                        && s.get("consoleState").asText().equals(state));
            });
            return seen.stream().filter(s -> s.get("key").asText().equals(key)).toList();
        }

        /** When the first event of {@code key} in {@code state} arrived. */
        java.time.Instant arrivalOf(String key, String state) {
            return arrivals.get(key + "|" + state);
        }

        @Override
        public void close() {
            stream.cancel(true);
        }
    }
}
