package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The composition root: settings checked and fixed when built; services started in order, stopped in reverse. */
class LocalCloudLifecycleTest {

    @Test
    void buildNamesTheFirstSettingThatIsNotValid() {
        assertThatThrownBy(() -> LocalCloud.builder().port(70_000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port must be 0..65535, was 70000");
        assertThatThrownBy(() -> LocalCloud.builder().accountId("123").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("accountId must be 12 digits, was 123");
        assertThatThrownBy(() -> LocalCloud.builder().region(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("region must not be blank");
        assertThatThrownBy(() -> LocalCloud.builder().smtp(-2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("SMTP port must be 0..65535, was -2");
        assertThatThrownBy(() -> LocalCloud.builder().builtInSns().snsService((params, region) -> null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclude each other");
    }

    @Test
    void aBuiltLocalCloudKeepsItsSettingsWhenTheBuilderChanges() {
        LocalCloud.Builder builder = LocalCloud.builder().region("eu-west-1").accountId("123456789012");
        LocalCloud cloud = builder.build();
        builder.region("us-west-2").accountId("210987654321");
        assertThat(cloud.region()).isEqualTo("eu-west-1");
        assertThat(cloud.accountId()).isEqualTo("123456789012");
    }

    @Test
    void aServiceThatCannotStartStopsThoseStartedBeforeIt(@TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // SMTP starts after the gateway has bound its port; it fails on a port in use.
            LocalCloud cloud = LocalCloud.builder().port(0).dataDir(dir).smtp(taken.getLocalPort()).build();
            assertThatThrownBy(cloud::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("(SMTP");

            int gatewayPort = cloud.port();
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), gatewayPort).close())
                    .isInstanceOf(ConnectException.class);
            assertThat(cloud.mailServer()).isNull();
        }
    }

    @Test
    void stoppedServicesStartAgain(@TempDir Path dir) {
        LocalCloud cloud = LocalCloud.builder().port(0).dataDir(dir).build();
        try (cloud) {
            cloud.start();
            assertThatThrownBy(cloud::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
            cloud.stop();
            cloud.start();
            assertThat(cloud.s3ProxyPort()).isPositive();
        }
    }
}
