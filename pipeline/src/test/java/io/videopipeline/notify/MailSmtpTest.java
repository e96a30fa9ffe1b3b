package io.videopipeline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A mail for a key with CR/LF and Unicode goes through a real SMTP server (GreenMail) and arrives
 * with one Subject header, no injected headers and the subject intact.
 */
class MailSmtpTest {

    private GreenMail smtp;

    @BeforeEach
    void start() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
    }

    @AfterEach
    void stop() {
        smtp.stop();
    }

    @Test
    void hostileKeyStaysInsideASingleSubjectHeader() throws Exception {
        RenditionMail mails = new RenditionMail(MailTemplates.load(Path.of("config/mail")),
                new MailSettings("pipeline@example.com", "owner@example.com"));
        String key = "up/Fête 🎬 视频\r\nBcc: victim@example.com\r\nX-Evil: 1\u2028\u0085\u0000/Fête-720p.mp4";
        MailMessage mail = mails.renditionReady(new Rendition("video-transcoded", key, 2048,
                Map.of("preset", "720p", "source-key", "up/Fête.mov"), Duration.ofSeconds(2),
                new Link("https://example.com/x.mp4?X-Amz-Signature=s", false, Instant.parse("2030-01-01T00:00:00Z"))));

        send(mail, smtp.getSmtp().getPort());

        assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage received = smtp.getReceivedMessages()[0];
        assertThat(received.getAllRecipients()).extracting(Object::toString).containsExactly("owner@example.com");
        assertThat(received.getHeader("Subject")).hasSize(1);
        assertThat(received.getHeader("Bcc")).isNull();
        assertThat(received.getHeader("X-Evil")).isNull();
        String unfolded = MimeUtility.unfold(received.getHeader("Subject")[0]);
        assertThat(unfolded).doesNotContain("\r", "\n");
        assertThat(received.getSubject()).isEqualTo(mail.subject())
                .isEqualTo("Video ready: Fête-720p.mp4 (720p)");
        assertThat(Collections.list(received.getAllHeaderLines()))
                .noneMatch(line -> line.startsWith("Bcc") || line.startsWith("X-Evil"));
        MimeMultipart parts = (MimeMultipart) received.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(((String) parts.getBodyPart(0).getContent())).contains("Fête 🎬 视频 Bcc: victim@example.com X-Evil: 1");
        assertThat(((String) parts.getBodyPart(1).getContent())).contains("Fête 🎬 视频 Bcc: victim@example.com");
    }

    /** What the lead's camel-mail route does, written out with jakarta.mail. */
    static void send(MailMessage mail, int port) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(port));
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(mail.from()));
        message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(mail.to()));
        message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
        MimeBodyPart text = new MimeBodyPart();
        text.setText(mail.text(), StandardCharsets.UTF_8.name());
        MimeBodyPart html = new MimeBodyPart();
        html.setText(mail.html(), StandardCharsets.UTF_8.name(), "html");
        message.setContent(new MimeMultipart("alternative", text, html));
        message.saveChanges();
        Transport.send(message);
    }
}
