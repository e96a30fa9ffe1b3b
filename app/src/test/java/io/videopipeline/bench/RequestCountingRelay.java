package io.videopipeline.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
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
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 in front of the local cloud's one port that notes every HTTP request a runner sends
 * through it, as {@code METHOD /path} (no query string: presigned signatures are never kept). A runner pointed at it
 * ({@code pipeline.aws.endpoint-url}) sends its S3, SQS and SNS calls through it; S3's are told apart by the
 * path-style bucket. Request bodies are skipped by their {@code Content-Length} or chunks (SigV4 uploads declare
 * theirs), so no byte of an upload is ever taken for a request line. The bytes pass through unchanged.
 */
final class RequestCountingRelay implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    RequestCountingRelay(URI upstream) throws IOException {
        this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "count-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Every request so far, oldest first: {@code PUT /video-transcoded/a/clip/clip.job.json}. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    /** Requests to a bucket of {@code buckets} (path-style), as S3 calls are addressed. */
    List<String> s3Requests(List<String> buckets) {
        return requests.stream().filter(r -> {
            String path = r.substring(r.indexOf(' ') + 1);
            return buckets.stream().anyMatch(b -> path.equals("/" + b) || path.startsWith("/" + b + "/"));
        }).toList();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket origin = new Socket(upstream.getAddress(), upstream.getPort());
                Thread up = new Thread(() -> requestsUp(client, origin), "count-relay-up");
                up.setDaemon(true);
                up.start();
                Thread down = new Thread(() -> copy(origin, client), "count-relay-down");
                down.setDaemon(true);
                down.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Client to server: each request's head is noted, its body passed through as it is. */
    private void requestsUp(Socket client, Socket origin) {
        try (InputStream in = new BufferedInputStream(client.getInputStream());
             OutputStream out = origin.getOutputStream()) {
            String head;
            while ((head = readHead(in, out)) != null) {
                String[] line = head.substring(0, head.indexOf("\r\n")).split(" ");
                String path = line.length > 1 ? line[1] : "";
                int query = path.indexOf('?');
                requests.add(line[0] + " " + (query < 0 ? path : path.substring(0, query)));
                String lower = head.toLowerCase(Locale.ROOT);
                if (lower.contains("\r\ntransfer-encoding: chunked")) {
                    passChunks(in, out);
                } else {
                    pass(in, out, contentLength(lower));
                }
                out.flush();
            }
        } catch (IOException e) {
            // either side hung up
        } finally {
            closeQuietly(client);
            closeQuietly(origin);
        }
    }

    /** The head up to and including the blank line, passed on as read; null at the end of the stream. */
    private static String readHead(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1
                    : b == '\r' ? 1 : 0;
            if (matched == 4) {
                byte[] bytes = head.toByteArray();
                out.write(bytes);
                return new String(bytes, StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static long contentLength(String lowerHead) {
        int at = lowerHead.indexOf("\r\ncontent-length:");
        if (at < 0) {
            return 0;
        }
        int end = lowerHead.indexOf("\r\n", at + 2);
        return Long.parseLong(lowerHead.substring(at + "\r\ncontent-length:".length(), end).trim());
    }

    private static void pass(InputStream in, OutputStream out, long bytes) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = bytes;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("body ended early");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static void passChunks(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String size = passLine(in, out);
            int semicolon = size.indexOf(';');
            long length = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (length == 0) {
                while (!passLine(in, out).isEmpty()) {
                    // trailers, up to the blank line
                }
                return;
            }
            pass(in, out, length);
            passLine(in, out);
        }
    }

    private static String passLine(InputStream in, OutputStream out) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            out.write(b);
            if (b == '\n') {
                return line.toString().replace("\r", "");
            }
            line.append((char) b);
        }
        throw new IOException("stream ended in a chunk line");
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // either side hung up
        } finally {
            closeQuietly(from);
            closeQuietly(to);
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
