package io.videopipeline.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP relay on 127.0.0.1 that counts the bytes the upstream server sends to clients.
 *
 * <p>It works below HTTP on purpose: a presigned URL signs the Host header, so the presigner is
 * pointed at the relay and the relay passes the bytes through unchanged. What it counts is what
 * reached the client's socket (status lines and headers included): what the client read plus
 * what its kernel had buffered when it hung up (the GET is open-ended, {@code Range: bytes=0-}, so
 * the server keeps sending until the client closes) — the same bytes real S3 would send. Request lines are kept without their query string (signatures are never stored).
 */
final class CountingRelay implements AutoCloseable {

    private static final Pattern REQUEST = Pattern.compile("(GET|HEAD) ([^ ?]+)[^ ]* HTTP/1\\.[01]\\r\\n((?:.+\\r\\n)*)");
    private static final Pattern RANGE = Pattern.compile("(?im)^range: *(.+)$");

    private static final int RELAY_SEND_BUFFER = 64 * 1024;

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final AtomicLong bytesToClients = new AtomicLong();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    CountingRelay(URI upstream) throws IOException {
        this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    long bytesToClients() {
        return bytesToClients.get();
    }

    /** e.g. {@code GET /bucket/key range=bytes=0-}. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    void reset() {
        bytesToClients.set(0);
        requests.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                // A small send buffer toward the client, so that bytes counted as "sent" are bytes
                // the client's socket accepted, not bytes parked in the relay's own kernel buffer.
                client.setSendBufferSize(RELAY_SEND_BUFFER);
                Socket origin = new Socket(upstream.getAddress(), upstream.getPort());
                pump(client, origin, false);
                pump(origin, client, true);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean count) {
        Thread t = new Thread(() -> {
            StringBuilder sniffed = new StringBuilder();
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    if (count) {
                        bytesToClients.addAndGet(n);
                    } else {
                        sniffed.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                        recordRequests(sniffed);
                    }
                }
            } catch (IOException e) {
                // the client hung up (ffprobe has what it needs): normal end of a ranged read
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, count ? "relay-down" : "relay-up");
        t.setDaemon(true);
        t.start();
    }

    private void recordRequests(StringBuilder sniffed) {
        int end;
        while ((end = sniffed.indexOf("\r\n\r\n")) >= 0) {
            String head = sniffed.substring(0, end + 2);
            sniffed.delete(0, end + 4);
            Matcher m = REQUEST.matcher(head);
            if (m.find()) {
                Matcher range = RANGE.matcher(m.group(3));
                requests.add(m.group(1) + " " + m.group(2) + (range.find() ? " range=" + range.group(1).trim() : ""));
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
