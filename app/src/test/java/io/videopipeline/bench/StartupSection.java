package io.videopipeline.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * 5. Start-up: {@code java -jar} to /observe/health/ready answering 200, in the local profile (embedded local cloud,
 * provisioning, every route) and the aws profile (against the separately started local cloud), against a bare
 * Camel Main with one timer route on the same classpath.
 */
final class StartupSection {
    private static final String SECTION = "5 start-up";

    private final BenchEnv env;
    private final BenchReport report;
    private final Deployment.Cloud cloud;
    private final Path dir;

    StartupSection(BenchEnv env, BenchReport report, Deployment.Cloud cloud, Path dir) {
        this.env = env;
        this.report = report;
        this.cloud = cloud;
        this.dir = dir;
    }

    void run() throws Exception {
        int reps = env.pick("startup.reps", 1, 5);
        List<Double> floor = new ArrayList<>();
        List<Double> local = new ArrayList<>();
        List<Double> localRoutes = new ArrayList<>();
        List<Double> aws = new ArrayList<>();
        List<Double> awsOther = new ArrayList<>();
        // the readiness setting the shipped config does not use, for comparison
        boolean shippedUp = java.nio.file.Files.readString(env.configDir().resolve("application.properties"))
                .contains("camel.health.initial-state=UP");
        String other = shippedUp ? "DOWN" : "UP";
        for (int r = 0; r < reps; r++) {
            floor.add(floorApp(r));
            double[] l = localProfile(r);
            local.add(l[0]);
            if (!Double.isNaN(l[1])) { // the line may come after readiness and the process is killed at once
                localRoutes.add(l[1]);
            }
            try (Deployment.Runner runner = Deployment.Runner.start(env, cloud, dir, "startup-aws-" + r, List.of(),
                    Map.of())) {
                aws.add(runner.readySeconds);
            }
            try (Deployment.Runner runner = Deployment.Runner.start(env, cloud, dir, "startup-aws-" + other + "-" + r,
                    List.of(), Map.of("camel.health.initial-state", other))) {
                awsOther.add(runner.readySeconds);
            }
        }
        Stats floorStats = Stats.of(floor);
        report.info(SECTION, "floor: bare Camel Main, one timer route, same jar", "s", floorStats,
                "java -cp video-pipeline.jar:test-classes TimerFloorApp, until /observe/health/ready = 200");
        report.add(SECTION, "profile local (embedded local cloud + provisioning + 7 routes)", "s", Stats.of(local),
                "floor", floorStats, BenchReport.Target.INFO,
                localRoutes.isEmpty() ? "" : "'Routes started' logged at " + Stats.of(localRoutes).show() + " s");
        report.add(SECTION, "profile aws (against a running local cloud, empty queues)", "s", Stats.of(aws), "floor",
                floorStats, BenchReport.Target.INFO, "as shipped" + (shippedUp ? " (camel.health.initial-state=UP)" : ""));
        report.add(SECTION, "profile aws, camel.health.initial-state=" + other, "s", Stats.of(awsOther), "floor",
                floorStats, BenchReport.Target.INFO, "DOWN = Camel's default: not ready until every SQS consumer's"
                        + " first long poll (20 s on an empty queue) has returned");
        report.placeholder(SECTION, "container start → healthy",
                "measured by the container work (tools/container-smoke.sh); not part of this harness");
    }

    private double floorApp(int rep) throws Exception {
        int port = Procs.freePort();
        String cp = env.jar() + ":" + Path.of(TimerFloorApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                TimerFloorApp.class.getName(), String.valueOf(port));
        try (Procs.Jar p = Procs.Jar.startCommand(cmd, dir, "startup-floor-" + rep)) {
            double ready = p.awaitHttp200("http://127.0.0.1:" + port + "/observe/health/ready", 120);
            p.kill();
            return ready;
        }
    }

    /** {seconds to ready, seconds to the 'Routes started' line}. */
    private double[] localProfile(int rep) throws Exception {
        int port = Procs.freePort();
        Path cwd = dir.resolve("startup-local-" + rep);
        List<String> args = List.of("run", "--routes", env.routesDir().toString(), "--config", env.configDir().toString(),
                "--set", "pipeline.localcloud.port=0", "--set", "pipeline.localcloud.smtp-port=0",
                "--set", "pipeline.localcloud.data-dir=" + cwd.resolve("data"),
                "--set", "pipeline.ffmpeg.work-dir=" + cwd.resolve("work"),
                "--set", "camel.management.port=" + port);
        try (Procs.Jar p = Procs.Jar.start(env.jar(), cwd, "startup-local", List.of(), args)) {
            double ready = p.awaitHttp200("http://127.0.0.1:" + port + "/observe/health/ready", 180);
            double routes = p.secondsToLine("Routes started");
            p.kill();
            return new double[] {ready, routes};
        }
    }
}
