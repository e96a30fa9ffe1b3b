package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Listings on the filesystem store list what S3 would: an object appears once its PUT has succeeded, never the
 * partial file the store writes beside it while the body is still arriving, and a {@code dir/} only when a client put
 * an object of that name, not for every directory the store made (nor is such a directory found by HEAD or GET).
 */
class LocalCloudListingTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension(b -> b.transientStorage(false));

    private static final String BUCKET = "video-transcoded";

    @Test
    void aPutStillReceivingItsBodyIsNotListedAndItsPartialFileNeverIs() throws Exception {
        S3Client s3 = CLOUD.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
        String key = "marker/clip/clip.job.json";
        String ownLookalike = "marker/clip/notes-" + UUID.randomUUID(); // a client's own object of the partial files' shape
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("{\"state\":\"Progressing\"}"));
        s3.putObject(b -> b.bucket(BUCKET).key(ownLookalike), RequestBody.fromString("mine"));
        byte[] body = "{\"state\":\"Complete\"}".getBytes(StandardCharsets.UTF_8);
        URL put = CLOUD.presigner().presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                .putObjectRequest(r -> r.bucket(BUCKET).key(key))).url();

        try (Socket socket = new Socket(put.getHost(), put.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + put.getFile() + " HTTP/1.1\r\nHost: " + put.getAuthority() + "\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            Path folder = CLOUD.dataDir().resolve("s3").resolve(BUCKET).resolve("marker/clip");
            await().atMost(Duration.ofSeconds(20)).until(() -> partialFiles(folder).size() == 1);

            assertThat(keys(s3, null)).containsExactly(key, ownLookalike);
            assertThat(keys(s3, "marker/clip/clip.job.json")).containsExactly(key);

            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            assertThat(statusLine(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }
        assertThat(keys(s3, null)).containsExactly(key, ownLookalike);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String()).isEqualTo("{\"state\":\"Complete\"}");
    }

    @Test
    void foldersAreListedOnlyWhenAClientPutThemAndWhatIsListedCanBeDeleted() {
        S3Client s3 = CLOUD.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
        for (String key : List.of("a/b/c.mp4", "a/b/c.json", "a/d.mp4", "explicit/", "explicit/x/y.mp4")) {
            s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(key.endsWith("/") ? "" : key));
        }

        assertThat(keys(s3, null)).containsExactly("a/b/c.json", "a/b/c.mp4", "a/d.mp4", "explicit/", "explicit/x/y.mp4");
        var top = s3.listObjectsV2(b -> b.bucket(BUCKET).delimiter("/"));
        assertThat(top.contents()).isEmpty();
        assertThat(top.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("a/", "explicit/");
        var a = s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("a/").delimiter("/"));
        assertThat(a.contents()).extracting(S3Object::key).containsExactly("a/d.mp4");
        assertThat(a.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("a/b/");
        // S3 would also list the object "explicit/" here; S3Proxy on the filesystem store does not (left as it is)
        var explicit = s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("explicit/").delimiter("/"));
        assertThat(explicit.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("explicit/x/");
        // a directory the store made is no object; one a client put is
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(BUCKET).key("a/b/"))).isInstanceOf(NoSuchKeyException.class);
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("a/"))).isInstanceOf(NoSuchKeyException.class);
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key("explicit/")).contentLength()).isZero();
        var paged = s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).maxKeys(2)).stream().map(page -> page.contents().size()).toList();
        assertThat(paged).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(2)).asList().hasSizeGreaterThanOrEqualTo(3);

        var response = s3.deleteObjects(b -> b.bucket(BUCKET).delete(d -> d.objects(keys(s3, null).stream()
                .map(k -> ObjectIdentifier.builder().key(k).build()).toList())));
        assertThat(response.errors()).isEmpty();
        assertThat(keys(s3, null)).isEmpty();
        s3.deleteBucket(b -> b.bucket(BUCKET));
        assertThat(s3.listBuckets().buckets()).isEmpty();
    }

    private static List<String> keys(S3Client s3, String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    /** The store's partial files of clip.job.json: its name, a dash and a random UUID. */
    private static List<Path> partialFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().matches("clip\\.job\\.json-[0-9a-f-]{36}")).toList();
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString().trim();
    }
}
