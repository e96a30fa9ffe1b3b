package io.videopipeline;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the servers a test starts (a local cloud, a management or console server): free on 127.0.0.1 when
 * picked, never the same one twice in this JVM, and below Linux's ephemeral range (32768–60999 by default), which
 * {@code bind(0)} draws from. A port picked with {@code bind(0)} and released could be drawn again before its server
 * binds it: by the next pick (SecretsIT failed so: the runner's management server got the port its local cloud
 * already listened on) or by any server inside the processes under test that binds port 0 (S3Proxy's internal one).
 */
public final class FreePorts {

    private static final int FIRST = 20_000;
    private static final int END = 32_000;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int next() {
        for (int tries = 0; tries < 1_000; tries++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, END);
            if (GIVEN.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(port)) {
                    return port;
                }
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 between " + FIRST + " and " + END);
    }
}
