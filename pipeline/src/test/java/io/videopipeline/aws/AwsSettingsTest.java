package io.videopipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The "AWS clients:" start-up line says which endpoint the SDK really talks to. */
class AwsSettingsTest {

    @Test
    void anEndpointFromTheSdksOwnSettingIsNamedNotCalledTheAwsDefault() {
        AwsSettings noOverride = new AwsSettings("us-east-1", null, false, null, null);
        String previous = System.getProperty("aws.endpointUrl");
        // the system property is the SDK's twin of AWS_ENDPOINT_URL (which a test cannot set in its own JVM)
        System.setProperty("aws.endpointUrl", "http://127.0.0.1:4566");
        try {
            assertThat(noOverride.toString()).contains("endpoint=http://127.0.0.1:4566 (aws.endpointUrl)")
                    .doesNotContain("AWS default");
        } finally {
            if (previous == null) {
                System.clearProperty("aws.endpointUrl");
            } else {
                System.setProperty("aws.endpointUrl", previous);
            }
        }
        assertThat(new AwsSettings("us-east-1", URI.create("http://localhost:4566"), true, "test", "test").toString())
                .contains("endpoint=http://localhost:4566").doesNotContain("test,").doesNotContain("=test");
    }

    @Test
    void theVariableIsReadAsTheSdkReadsIt() {
        java.util.Properties none = new java.util.Properties();
        assertThat(AwsSettings.describeEndpoint(null, java.util.Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"), none))
                .isEqualTo("http://127.0.0.1:4566 (AWS_ENDPOINT_URL)");
        assertThat(AwsSettings.describeEndpoint(null, java.util.Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"), none)).isEqualTo("(AWS default)");
        assertThat(AwsSettings.describeEndpoint(null, java.util.Map.of(), none)).isEqualTo("(AWS default)");
    }
}
