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
        main.addOverrideProperty("camel.main.name", "timer-floor");
        main.addOverrideProperty("camel.management.enabled", "true");
        main.addOverrideProperty("camel.management.host", "127.0.0.1");
        main.addOverrideProperty("camel.management.port", args.length > 0 ? args[0] : "8080");
        main.addOverrideProperty("camel.management.health-check-enabled", "true");
        main.run();
    }
}
