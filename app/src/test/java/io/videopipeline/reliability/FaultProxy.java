package io.videopipeline.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A fault-injecting HTTP/1.1 proxy for tests, between the pipeline's AWS clients and the local cloud. Every
 * request gets a connection of its own upstream ({@code Connection: close}), and a seeded fraction of requests
 * fail in one of three ways AWS clients meet in practice:
 * <ul>
 *   <li>{@code throttled}: answered 503 SlowDown (S3 XML) / ServiceUnavailable (SQS JSON) without being forwarded;</li>
 *   <li>{@code dropped}: the connection is closed before the request is forwarded (no response at all);</li>
 *   <li>{@code lost}: the request is forwarded and executed, then its response is thrown away and the connection
 *       closed, so the client cannot know it succeeded (the case that makes retries duplicate work).</li>
 * </ul>
 * Signatures stay valid: the client signed the Host it sent, which is forwarded unchanged.
 */
final class FaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int upstreamPort;
    private final Random random;
    private final double faultRate;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, AtomicLong> counts = new TreeMap<>();
    private volatile boolean faulty = true;
    private volatile Pattern throttledRequestLine;
    private volatile int throttledTimes;
    private final Map<String, AtomicLong> throttledByRequestLine = new ConcurrentHashMap<>();
    private final AtomicLong openReceives = new AtomicLong();
    /** SQS's JSON protocol names the operation in a header; every SQS call's request line is {@code POST /}. */
    private static final Pattern SQS_TARGET = Pattern.compile("(?im)^x-amz-target:\\s*AmazonSQS\\.(\\w+)");
    private volatile Pattern throttledSqsOperation;
    private volatile int throttledSqsTimes;
    private final AtomicLong throttledSqs = new AtomicLong();
    private final Map<String, AtomicLong> sqsOperations = new ConcurrentHashMap<>();

    FaultProxy(int upstreamPort, long seed, double faultRate) throws IOException {
        this.upstreamPort = upstreamPort;
        this.random = new Random(seed);
        this.faultRate = faultRate;
        for (String kind : new String[] {"requests", "forwarded", "throttled", "dropped", "lost"}) {
            counts.put(kind, new AtomicLong());
        }
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Stop injecting faults (everything is forwarded from now on). */
    void heal() {
        faulty = false;
    }

    /**
     * Answers the first {@code times} requests of each request line (method, path and query) that matches
     * {@code requestLine} with 503, whatever the random faults do: with more than the SDK's attempts, the call fails
     * at the caller, as a long throttling episode does.
     */
    void throttleFirst(Pattern requestLine, int times) {
        this.throttledTimes = times;
        this.throttledRequestLine = requestLine;
    }

    /**
     * Answers the first {@code times} SQS calls whose operation ({@code DeleteMessage}, {@code DeleteMessageBatch}, ...)
     * matches {@code operation} with 503 ServiceUnavailable, whatever the random faults do (counted together).
     */
    void throttleFirstSqs(Pattern operation, int times) {
        this.throttledSqsTimes = times;
        this.throttledSqsOperation = operation;
    }

    /** SQS calls that reached the proxy, by operation (refused ones included). */
    Map<String, Long> sqsCalls() {
        Map<String, Long> out = new TreeMap<>();
        sqsOperations.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** SQS ReceiveMessage calls forwarded and not yet answered: the long polls a consumer is waiting in. */
    long openReceives() {
        return openReceives.get();
    }

    long faults() {
        return counts.get("throttled").get() + counts.get("dropped").get() + counts.get("lost").get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> handle(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private String decide(String headText) {
        java.util.regex.Matcher sqs = SQS_TARGET.matcher(headText);
        if (sqs.find()) {
            sqsOperations.computeIfAbsent(sqs.group(1), k -> new AtomicLong()).incrementAndGet();
            Pattern operation = throttledSqsOperation;
            if (operation != null && operation.matcher(sqs.group(1)).matches()
                    && throttledSqs.incrementAndGet() <= throttledSqsTimes) {
                return "throttled";
            }
        }
        Pattern targeted = throttledRequestLine;
        if (targeted != null) {
            String requestLine = headText.substring(0, Math.max(0, headText.indexOf("\r\n")));
            if (targeted.matcher(requestLine).find() && throttledByRequestLine
                    .computeIfAbsent(requestLine, k -> new AtomicLong()).incrementAndGet() <= throttledTimes) {
                return "throttled";
            }
        }
        synchronized (random) {
            if (!faulty || random.nextDouble() >= faultRate) {
                return "forwarded";
            }
            double kind = random.nextDouble();
            return kind < 0.5 ? "throttled" : kind < 0.8 ? "dropped" : "lost";
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream fromClient = new java.io.BufferedInputStream(client.getInputStream());
            byte[] head = readHead(fromClient);
            if (head == null) {
                return;
            }
            counts.get("requests").incrementAndGet();
            String headText = new String(head, StandardCharsets.ISO_8859_1);
            String fault = decide(headText);
            counts.get(fault).incrementAndGet();
            switch (fault) {
                case "throttled" -> throttle(client.getOutputStream(), headText);
                case "dropped" -> client.setSoLinger(true, 0); // RST on close
                default -> {
                    boolean receive = headText.contains("AmazonSQS.ReceiveMessage");
                    if (receive) {
                        openReceives.incrementAndGet();
                    }
                    try {
                        forward(client, fromClient, headText, fault.equals("lost"));
                    } finally {
                        if (receive) {
                            openReceives.decrementAndGet();
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the client or the cloud went away: nothing to do for a proxy
        }
    }

    private void forward(Socket client, InputStream fromClient, String headText, boolean loseResponse) throws IOException {
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            OutputStream toUpstream = upstream.getOutputStream();
            toUpstream.write(closeConnection(headText).getBytes(StandardCharsets.ISO_8859_1));
            toUpstream.flush();
            // The body (if any) streams on while the response comes back (Expect: 100-continue works unchanged).
            threads.execute(() -> {
                try {
                    fromClient.transferTo(toUpstream);
                } catch (IOException e) {
                    // one side closed
                }
            });
            InputStream fromUpstream = upstream.getInputStream();
            if (loseResponse) {
                fromUpstream.transferTo(OutputStream.nullOutputStream()); // executed upstream, never answered
                client.setSoLinger(true, 0);
            } else {
                fromUpstream.transferTo(client.getOutputStream());
            }
        }
    }

    private static void throttle(OutputStream out, String head) throws IOException {
        boolean json = head.toLowerCase(Locale.ROOT).contains("x-amz-target:");
        String body = json
                ? "{\"__type\":\"com.amazonaws.sqs#ServiceUnavailable\",\"message\":\"injected by FaultProxy\"}"
                : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
                        + "<Message>Please reduce your request rate. (injected by FaultProxy)</Message></Error>";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                + (json ? "application/x-amz-json-1.0" : "application/xml") + "\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n";
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
    }

    /** The request head with any Connection header replaced by {@code Connection: close}. */
    private static String closeConnection(String head) {
        StringBuilder out = new StringBuilder();
        String[] lines = head.split("\r\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (i > 0 && line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                continue;
            }
            out.append(line).append("\r\n");
            if (i == 0) {
                out.append("Connection: close\r\n");
            }
        }
        return out.append("\r\n").toString();
    }

    /** Bytes up to and including the blank line ending the head; null if the client closed first. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 256 * 1024) {
                throw new IOException("request head too large");
            }
        }
        return head.toByteArray();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
