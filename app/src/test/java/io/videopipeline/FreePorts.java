package io.videopipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ports for the servers a test starts (a local cloud, a management or console server): free on 127.0.0.1 when
 * picked, and never the same one twice in this JVM. The kernel may give a port it has just released to the next
 * {@code bind(0)}, so two ports picked one after the other for one run could be the same one (SecretsIT failed so:
 * the runner's management server could not bind the port its local cloud already listened on).
 */
public final class FreePorts {

    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int next() {
        for (int tries = 0; tries < 100; tries++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (GIVEN.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1", e);
            }
        }
        throw new IllegalStateException("100 free ports in a row were ones given before");
    }
}
