package io.videopipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What the end-to-end tests share: synthetic clips made by ffmpeg's lavfi sources, ffprobe of S3 objects, and
 * the outcomes they wait for (queue depth, dead-lettered messages).
 */
public final class EndToEnd {

    public static final String FFMPEG = "/usr/bin/ffmpeg";
    public static final String FFPROBE = "/usr/bin/ffprobe";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EndToEnd() {
    }

    /**
     * A test-pattern clip (testsrc2, plus a sine tone when {@code audio}), H.264/AAC, 1 s, in the container the
     * file name's extension says (.mov, .mp4).
     */
    public static Path clip(Path dir, String fileName, String size, boolean audio) {
        return clip(dir, fileName, size, audio, 1);
    }

    /** The same, {@code seconds} long. */
    public static Path clip(Path dir, String fileName, String size, boolean audio, int seconds) {
        Path out = dir.resolve(fileName);
        List<String> cmd = new ArrayList<>(List.of(FFMPEG, "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=s=" + size + ":r=25:d=" + seconds));
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=f=440:d=" + seconds, "-c:a", "aac", "-b:a", "64k"));
        }
        cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-movflags", "+faststart", out.toString()));
        run(cmd);
        return out;
    }

    /** Random bytes: what a broken upload looks like to ffprobe. */
    public static byte[] garbage(int size, long seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * A 4 s 320x180 MPEG-TS damaged but decodable: every 7th packet of its middle third scrambled, sync bytes kept,
     * so ffmpeg conceals decode errors and exits 0 (a job that ends Warning).
     */
    public static byte[] damagedTs(Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(clip(dir, "clean.ts", "320x180", true, 4));
        int packets = bytes.length / 188;
        for (int p = packets / 3; p < 2 * packets / 3; p += 7) {
            for (int i = 4; i < 60; i++) {
                bytes[p * 188 + i] ^= 0x5A;
            }
        }
        return bytes;
    }

    public static void upload(S3Client s3, String bucket, String key, Path file) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
    }

    /** ffprobe's JSON of an S3 object (downloaded to {@code dir} first). */
    public static JsonNode probe(S3Client s3, String bucket, String key, Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "probe-", ".mp4");
        Files.delete(file);
        s3.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(file));
        try {
            return JSON.readTree(run(List.of(FFPROBE, "-v", "error", "-print_format", "json", "-show_format",
                    "-show_streams", file.toString())));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The first stream of a type in ffprobe's JSON, or null. */
    public static JsonNode stream(JsonNode probe, String codecType) {
        for (JsonNode s : probe.path("streams")) {
            if (codecType.equals(s.path("codec_type").asText())) {
                return s;
            }
        }
        return null;
    }

    /** Keys under a prefix, sorted, without the job records (jobs package: one per upload, whatever happened). */
    public static List<String> keys(S3Client s3, String bucket, String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).filter(k -> !k.endsWith(".job.json")).sorted().toList();
    }

    /** Visible + in flight + delayed: 0 means every message sent to the queue has been deleted. */
    public static int depth(SqsClient sqs, String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return Integer.parseInt(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                + Integer.parseInt(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"))
                + Integer.parseInt(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "0"));
    }

    /**
     * One receive (short long-poll) of the queue's messages with their attributes; those matching are deleted and
     * returned, the others are left to come back after the visibility timeout.
     */
    public static List<Message> take(SqsClient sqs, String queueUrl, Predicate<Message> matching) {
        List<Message> taken = new ArrayList<>();
        for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                .visibilityTimeout(1).messageAttributeNames("All")).messages()) {
            if (matching.test(m)) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                taken.add(m);
            }
        }
        return taken;
    }

    /** The {@code pipeline-error} attribute the dead-letter route puts on a message, or null. */
    public static String reason(Message m) {
        var attribute = m.messageAttributes().get("pipeline-error");
        return attribute == null ? null : attribute.stringValue();
    }

    /** Runs a command; its stdout (stderr goes to the failure message). */
    static String run(List<String> cmd) {
        Path err = null;
        try {
            err = Files.createTempFile("e2e-stderr-", ".txt");
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed: " + Files.readString(err));
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd.get(0) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            if (err != null) {
                err.toFile().delete();
            }
        }
    }

    /** The text/html part of a mail. */
    public static String html(jakarta.mail.Part part) throws Exception {
        if (part.isMimeType("text/html")) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof jakarta.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                jakarta.mail.BodyPart child = multipart.getBodyPart(i);
                String html = html(child);
                if (html != null) {
                    return html;
                }
            }
        }
        return null;
    }

}
