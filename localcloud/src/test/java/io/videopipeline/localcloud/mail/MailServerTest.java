package io.videopipeline.localcloud.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailServerTest {
    @TempDir
    Path dataDir;

    @Test
    void keepsEveryMailAsAnEmlFileOncePerMessage() throws Exception {
        try (MailServer server = new MailServer("127.0.0.1", 0, dataDir)) {
            server.start();
            assertThat(server.port()).isPositive();

            send(server.port(), "Your video is ready: clip/clip-720p.mp4", "body one", "a@example.com", "b@example.com");
            send(server.port(), "Your video is ready: clip/clip-720p.mp4", "body two", "a@example.com");

            await().atMost(Duration.ofSeconds(10)).until(() -> server.receivedMails().size() == 2);
            assertThat(server.receivedMails()).allSatisfy(f -> {
                assertThat(f.getParent()).isEqualTo(dataDir.resolve("mail"));
                assertThat(f.getFileName().toString())
                        .matches("\\d{8}-\\d{6}-\\d{3}-your-video-is-ready-clip-clip-720p-mp4(-\\d+)?\\.eml");
            });
            assertThat(Files.readString(server.receivedMails().get(0))).contains("body one").contains("To: a@example.com");
            assertThat(Files.readString(server.receivedMails().get(1))).contains("body two");
            assertThat(server.receivedMessages()).hasSize(3); // GreenMail keeps one copy per recipient
        }
    }

    @Test
    void slugsAreSafeFileNames() {
        assertThat(MailServer.slug("../../etc/passwd\r\nBcc: x")).isEqualTo("etc-passwd-bcc-x");
        assertThat(MailServer.slug("Ünïcode only ✓")).isEqualTo("n-code-only");
        assertThat(MailServer.slug(null)).isEqualTo("no-subject");
        assertThat(MailServer.slug("!!!")).isEqualTo("no-subject");
        assertThat(MailServer.slug("x".repeat(200))).hasSize(60);
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new MailServer("127.0.0.1", 70000, dataDir)).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> new MailServer(" ", 0, dataDir)).hasMessageContaining("bind address");
        assertThatThrownBy(() -> new MailServer("127.0.0.1", 0, dataDir).port()).hasMessageContaining("not started");
    }

    private static void send(int port, String subject, String body, String... to) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("pipeline@example.com"));
        for (String address : to) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(address));
        }
        message.setSubject(subject);
        message.setText(body);
        Transport.send(message);
    }
}
