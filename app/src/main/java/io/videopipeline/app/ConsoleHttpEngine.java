package io.videopipeline.app;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * Puts the console's REST services on the console's own server. Camel's engine names the router its consumers join
 * after the one HTTP server in the registry, and with management's server there too it finds none and takes port
 * 8080: management's router by default (the API answered 404 on the console's port, its services on
 * management's), and no router at all with management on another port (the runner did not start). With a fixed
 * console port the router is that port's; with port 0 (tests) Camel's own fallback to the port-0 router holds.
 */
final class ConsoleHttpEngine extends VertxPlatformHttpEngine {
    private final int port;

    ConsoleHttpEngine(int port) {
        this.port = port;
    }

    @Override
    public int getServerPort() {
        return port > 0 ? port : super.getServerPort();
    }
}
