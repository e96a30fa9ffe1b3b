package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * PutObject with {@code If-None-Match: *} (create only) and {@code If-Match: <etag>} (replace only what was read), as
 * S3 has had since 2024: a failed condition is 412 PreconditionFailed and writes nothing. Racing conditional writes
 * of one key: exactly one wins, as on S3.
 */
class LocalCloudConditionalWriteTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String BUCKET = "video-transcoded";
    private static final String KEY = "clip/clip.job.json";

    private S3Client s3;

    @BeforeEach
    void bucket() {
        s3 = CLOUD.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @Test
    void ifNoneMatchCreatesOnceThenRefusesWith412() {
        s3.putObject(b -> b.bucket(BUCKET).key(KEY).ifNoneMatch("*"), RequestBody.fromString("first"));

        assertThatThrownBy(() -> s3.putObject(b -> b.bucket(BUCKET).key(KEY).ifNoneMatch("*"),
                RequestBody.fromString("second")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(412);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PreconditionFailed");
                });
        assertThat(read()).isEqualTo("first");
    }

    @Test
    void ifMatchReplacesOnlyTheVersionThatWasRead() {
        String etag = s3.putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromString("v1")).eTag();
        String next = s3.putObject(b -> b.bucket(BUCKET).key(KEY).ifMatch(etag), RequestBody.fromString("v2")).eTag();

        assertThatThrownBy(() -> s3.putObject(b -> b.bucket(BUCKET).key(KEY).ifMatch(etag),
                RequestBody.fromString("stale")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
        assertThat(read()).isEqualTo("v2");
        assertThat(next).isNotEqualTo(etag);
    }

    @Test
    void ofRacingCreatesExactlyOneWins() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 5; round++) {
                String key = KEY + "." + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    String body = "writer " + i;
                    Callable<Boolean> put = () -> {
                        start.await();
                        try {
                            s3.putObject(b -> b.bucket(BUCKET).key(key).ifNoneMatch("*"), RequestBody.fromString(body));
                            return true;
                        } catch (S3Exception e) {
                            if (e.statusCode() == 412) {
                                return false;
                            }
                            throw e;
                        }
                    };
                    results.add(pool.submit(put));
                }
                start.countDown();
                int won = 0;
                for (Future<Boolean> result : results) {
                    won += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(won).as("writers that created %s", key).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readModifyWriteWithIfMatchLosesNoUpdate() throws Exception {
        s3.putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromString("0"));
        int writers = 6;
        int increments = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    int lost = 0;
                    for (int done = 0; done < increments; ) {
                        var current = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY));
                        String next = String.valueOf(Integer.parseInt(current.asUtf8String()) + 1);
                        try {
                            s3.putObject(b -> b.bucket(BUCKET).key(KEY).ifMatch(current.response().eTag()),
                                    RequestBody.fromString(next));
                            done++;
                        } catch (S3Exception e) {
                            if (e.statusCode() != 412) {
                                throw e;
                            }
                            lost++;
                        }
                    }
                    return lost;
                }));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(read()).isEqualTo(String.valueOf(writers * increments));
    }

    /**
     * A client told 412 may drop the body it was about to send (HTTP lets it: curl does). The local cloud must not
     * wait for that body, holding the object's turn for conditional writes: others' writes of it would stall until
     * the gateway's idle timeout (two minutes), and a replica's job record with them.
     */
    @Test
    void aRefusedWriterThatNeverSendsItsBodyDoesNotHoldUpTheNextWrite() throws Exception {
        String etag = s3.putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromString("v1")).eTag();
        PresignedPutObjectRequest stale = CLOUD.presigner().presignPutObject(p -> p
                .signatureDuration(Duration.ofMinutes(5))
                .putObjectRequest(r -> r.bucket(BUCKET).key(KEY).ifMatch("\"0123456789abcdef0123456789abcdef\"")));
        URL url = stale.url();
        try (Socket refused = new Socket(url.getHost(), url.getPort())) {
            refused.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder("PUT " + url.getFile() + " HTTP/1.1\r\n");
            stale.signedHeaders().forEach((name, values) -> head.append(name).append(": ")
                    .append(String.join(",", values)).append("\r\n"));
            head.append("Content-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            refused.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
            refused.getOutputStream().flush();
            BufferedReader answer = new BufferedReader(new InputStreamReader(refused.getInputStream(),
                    StandardCharsets.US_ASCII));
            String status = answer.readLine();
            if (status.startsWith("HTTP/1.1 100")) {
                answer.readLine(); // the blank line ending the interim answer
                status = answer.readLine();
            }
            assertThat(status).startsWith("HTTP/1.1 412");
            // ... and this client keeps its connection open without ever sending the 5 bytes

            String next = s3.putObject(b -> b.bucket(BUCKET).key(KEY).ifMatch(etag)
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(20))), // retries included
                    RequestBody.fromString("v2")).eTag();

            assertThat(next).isNotEqualTo(etag);
            assertThat(read()).isEqualTo("v2");
        }
    }

    private String read() {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)).asUtf8String();
    }
}
