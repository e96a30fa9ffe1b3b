package io.videopipeline.localcloud.mail;

import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cloud's mail sink: a GreenMail SMTP server that keeps every message it receives as an {@code .eml}
 * file under {@code <dataDir>/mail/} (open it with any mail client) and logs one line per mail with its subject.
 * Nothing is relayed anywhere.
 */
public final class MailServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailServer.class);
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private final String bindAddress;
    private final int requestedPort;
    private final Path mailDir;
    private final List<Path> received = Collections.synchronizedList(new ArrayList<>());
    // GreenMail calls the delivery handler once per recipient; write each message once.
    private final Set<MimeMessage> written = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private GreenMail greenMail;

    /**
     * @param bindAddress interface to listen on, e.g. 127.0.0.1
     * @param port        SMTP port; 0 picks a free one (see {@link #port()})
     * @param dataDir     mails go to {@code <dataDir>/mail/}; null keeps them in memory only
     */
    public MailServer(String bindAddress, int port, Path dataDir) {
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("MailServer bind address must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("MailServer port must be 0..65535, got " + port);
        }
        this.bindAddress = bindAddress;
        this.requestedPort = port;
        this.mailDir = dataDir == null ? null : dataDir.resolve("mail");
    }

    public synchronized void start() {
        if (greenMail != null) {
            return;
        }
        if (mailDir != null) {
            try {
                Files.createDirectories(mailDir);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot create mail directory " + mailDir + ": " + e.getMessage(), e);
            }
        }
        GreenMail server = new GreenMail(new ServerSetup(requestedPort, bindAddress, ServerSetup.PROTOCOL_SMTP));
        server.start();
        UserManager users = server.getUserManager();
        MessageDeliveryHandler standard = users.getMessageDeliveryHandler();
        users.setMessageDeliveryHandler((message, recipient) -> {
            if (written.add(message.getMessage())) {
                keep(message.getMessage());
            }
            return standard.handle(message, recipient);
        });
        greenMail = server;
        LOG.info("SMTP server listening on {}:{}", bindAddress, port());
    }

    /** The port SMTP listens on (the chosen one when constructed with 0). */
    public synchronized int port() {
        if (greenMail == null) {
            throw new IllegalStateException("MailServer is not started");
        }
        return greenMail.getSmtp().getPort();
    }

    public synchronized void stop() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The {@code .eml} files written since start, oldest first (empty without a data dir). */
    public List<Path> receivedMails() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /**
     * Every message received since start, as GreenMail holds them (one per recipient). A message's {@code .eml} file
     * is listed by {@link #receivedMails()} a moment before it shows here: whoever waits for mail should wait on the
     * view it then reads.
     */
    public synchronized MimeMessage[] receivedMessages() {
        return greenMail == null ? new MimeMessage[0] : greenMail.getReceivedMessages();
    }

    private void keep(MimeMessage message) {
        String subject;
        try {
            subject = message.getSubject();
        } catch (MessagingException e) {
            subject = null;
        }
        String oneLine = subject == null ? "(no subject)" : subject.replaceAll("[\\r\\n]+", " ");
        if (mailDir == null) {
            LOG.info("Mail received: {}", oneLine);
            return;
        }
        try {
            Path file = newFile(subject);
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
                message.writeTo(out);
            }
            received.add(file);
            LOG.info("Mail received: {} ({})", oneLine, file.getFileName());
        } catch (IOException | MessagingException e) {
            // Never refuse the mail because the copy failed: the sender did nothing wrong.
            LOG.error("Mail received but not saved: {}: {}", oneLine, e.toString());
        }
    }

    private Path newFile(String subject) throws IOException {
        String base = FILE_TIME.format(Instant.now()) + "-" + slug(subject);
        for (int n = 0; ; n++) {
            Path file = mailDir.resolve(n == 0 ? base + ".eml" : base + "-" + n + ".eml");
            try {
                return Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                // two mails with the same subject in the same millisecond: try the next suffix
            }
        }
    }

    /** Lower-case ASCII letters and digits joined by '-', at most 60 characters: safe on every file system. */
    static String slug(String subject) {
        if (subject == null) {
            return "no-subject";
        }
        String slug = subject.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 60) {
            slug = slug.substring(0, 60).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "no-subject" : slug;
    }
}
