package io.videopipeline.bench;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

/**
 * The start-up floor: a bare Camel Main with one timer route and the same health endpoint, run from the same
 * fat jar's classpath ({@code java -cp video-pipeline.jar:test-classes io.videopipeline.bench.TimerFloorApp PORT}).
 */
public final class TimerFloorApp {

    private TimerFloorApp() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:tick?period=1000").routeId("tick").log("tick");
            }
        });
        withHealthEndpoint(main, "timer-floor", args.length > 0 ? args[0] : "8080");
        main.run();
    }

    /** Names the context and serves /observe/health/ready on 127.0.0.1:{@code port}, as the pipeline does. */
    static void withHealthEndpoint(Main main, String name, String port) {
        main.addOverrideProperty("camel.main.name", name);
        main.addOverrideProperty("camel.management.enabled", "true");
        main.addOverrideProperty("camel.management.host", "127.0.0.1");
        main.addOverrideProperty("camel.management.port", port);
        main.addOverrideProperty("camel.management.health-check-enabled", "true");
    }
}
