package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.core.sync.RequestBody;

class LocalCloudSmokeTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    @Test
    void putsAndGetsAnObjectAndSendsAMessage() {
        CLOUD.s3().createBucket(b -> b.bucket("smoke"));
        CLOUD.s3().putObject(b -> b.bucket("smoke").key("a b+c/비디오 파일 #1.mov"), RequestBody.fromString("hello"));
        assertThat(CLOUD.s3().getObjectAsBytes(b -> b.bucket("smoke").key("a b+c/비디오 파일 #1.mov")).asUtf8String()).isEqualTo("hello");
        String url = CLOUD.createQueue("smoke-q");
        assertThat(url).isEqualTo(CLOUD.endpoint() + "/000000000000/smoke-q");
        CLOUD.sqs().sendMessage(b -> b.queueUrl(url).messageBody("m1"));
        assertThat(CLOUD.sqs().receiveMessage(b -> b.queueUrl(url)).messages()).extracting(m -> m.body()).containsExactly("m1");
    }
}
