package io.videopipeline.bench;

import io.videopipeline.FreePorts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * 5. Start-up: {@code java -jar} to /observe/health/ready answering 200, in the local profile (embedded local cloud,
 * provisioning, every route) and the aws profile (against the separately started local cloud), against a bare
 * Camel Main with one timer route on the same classpath, and against the least an S3 + SQS worker on Camel and the
 * AWS SDK starts ({@link SqsFloorApp}: the two clients and one aws2-sqs route).
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
        // CPU seconds of the process when it turned ready: far less disturbed by a busy machine than wall time
        List<Double> floorCpu = new ArrayList<>();
        List<Double> awsCpu = new ArrayList<>();
        List<Double> flaggedCpu = new ArrayList<>();
        List<Double> floorFlaggedCpu = new ArrayList<>();
        List<Double> awsOther = new ArrayList<>();
        // as the README's run command starts it: java @config/jvm.options -jar (the floor with the same file)
        List<String> shippedFlags = Deployment.shippedJvmOptions(env);
        List<Double> shipped = new ArrayList<>();
        List<Double> shippedCpu = new ArrayList<>();
        List<Double> floorShipped = new ArrayList<>();
        List<Double> floorShippedCpu = new ArrayList<>();
        List<Double> workerFloor = new ArrayList<>();
        List<Double> workerFloorCpu = new ArrayList<>();
        String workerQueue = "startup-worker-floor";
        cloud.sqs.createQueue(b -> b.queueName(workerQueue));
        // the readiness setting the shipped config does not use, for comparison
        boolean shippedUp = java.nio.file.Files.readString(env.configDir().resolve("application.properties"))
                .contains("camel.health.initial-state=UP");
        String other = shippedUp ? "DOWN" : "UP";
        for (int r = 0; r < reps; r++) {
            double[] f = floorApp(r, List.of());
            floor.add(f[0]);
            floorCpu.add(f[1]);
            double[] l = localProfile(r);
            local.add(l[0]);
            if (!Double.isNaN(l[1])) { // the line may come after readiness and the process is killed at once
                localRoutes.add(l[1]);
            }
            try (Deployment.Runner runner = Deployment.Runner.startPlain(env, cloud, dir, "startup-aws-" + r,
                    List.of(), Map.of())) {
                awsCpu.add(Procs.cpuMsWithChildren(runner.pid()) / 1000);
                aws.add(runner.readySeconds);
            }
            try (Deployment.Runner runner = Deployment.Runner.startPlain(env, cloud, dir, "startup-aws-" + other + "-" + r,
                    List.of(), Map.of("camel.health.initial-state", other))) {
                awsOther.add(runner.readySeconds);
            }
            if (!shippedFlags.isEmpty()) {
                double[] fs = floorApp(r + "-shipped", shippedFlags);
                floorShipped.add(fs[0]);
                floorShippedCpu.add(fs[1]);
                double[] ws = floorApp("startup-worker-floor-" + r, shippedFlags, SqsFloorApp.class,
                        List.of(cloud.endpoint.toString(), workerQueue, "s3"));
                workerFloor.add(ws[0]);
                workerFloorCpu.add(ws[1]);
                try (Deployment.Runner runner = Deployment.Runner.start(env, cloud, dir, "startup-aws-shipped-" + r,
                        List.of(), Map.of())) {
                    shippedCpu.add(Procs.cpuMsWithChildren(runner.pid()) / 1000);
                    shipped.add(runner.readySeconds);
                }
            }
        }
        // what the container runs (docker/Dockerfile, entrypoint.sh): an AppCDS archive trained by a start of the
        // local profile; the floor gets the same treatment (its own archive) for the second ratio
        List<Double> flagged = new ArrayList<>();
        List<Double> floorFlagged = new ArrayList<>();
        if (env.pick("startup.container-flags", 1, 1) > 0) {
            Path appArchive = trainAppArchive();
            Path floorArchive = trainFloorArchive();
            for (int r = 0; r < reps; r++) {
                double[] f = floorApp(r, containerFlags(floorArchive));
                floorFlagged.add(f[0]);
                floorFlaggedCpu.add(f[1]);
                try (Deployment.Runner runner = Deployment.Runner.startPlain(env, cloud, dir, "startup-aws-flags-" + r,
                        containerFlags(appArchive), Map.of())) {
                    flaggedCpu.add(Procs.cpuMsWithChildren(runner.pid()) / 1000);
                    flagged.add(runner.readySeconds);
                }
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
        report.add(SECTION, "CPU to ready, profile aws (plain java -jar)", "s", Stats.of(awsCpu), "floor's CPU to ready",
                Stats.of(floorCpu), BenchReport.Target.INFO, "user + system CPU of the process when ready answered 200");
        if (!flaggedCpu.isEmpty()) {
            report.add(SECTION, "CPU to ready, profile aws, the container's JVM flags", "s", Stats.of(flaggedCpu),
                    "floor's CPU to ready, same flags", Stats.of(floorFlaggedCpu), BenchReport.Target.INFO,
                    String.format("vs the plain floor: %.2f", Stats.of(flaggedCpu).median() / Stats.of(floorCpu).median()));
        }
        report.add(SECTION, "profile aws, camel.health.initial-state=" + other, "s", Stats.of(awsOther), "floor",
                floorStats, BenchReport.Target.INFO, "DOWN = Camel's default: not ready until every SQS consumer's"
                        + " first long poll (20 s on an empty queue) has returned");
        if (!flagged.isEmpty()) {
            Stats floorFlaggedStats = Stats.of(floorFlagged);
            report.info(SECTION, "floor with the container's JVM flags (its own AppCDS archive)", "s",
                    floorFlaggedStats, "TimerFloorApp trained once with -XX:ArchiveClassesAtExit");
            report.add(SECTION, "profile aws, the container's JVM flags (AppCDS archive)",
                    "s", Stats.of(flagged), "floor (plain java)", floorStats, BenchReport.Target.INFO,
                    String.format("vs the floor with the same flags: %.2f", Stats.of(flagged).median()
                            / floorFlaggedStats.median()));
        }
        if (!shipped.isEmpty()) {
            report.add(SECTION, "profile aws, java @config/jvm.options -jar (the README's run command)", "s",
                    Stats.of(shipped), "floor, same JVM options", Stats.of(floorShipped), BenchReport.Target.AT_MOST_2,
                    String.format("CPU to ready %.2f s vs the floor's %.2f s (%.2f)", Stats.of(shippedCpu).median(),
                            Stats.of(floorShippedCpu).median(),
                            Stats.of(shippedCpu).median() / Stats.of(floorShippedCpu).median()));
        }
        if (!workerFloor.isEmpty()) {
            report.add(SECTION, "S3 + SQS worker floor (SqsFloorApp: the two SDK clients, one aws2-sqs route), same JVM"
                    + " options", "s", Stats.of(workerFloor), "floor, same JVM options", Stats.of(floorShipped),
                    BenchReport.Target.INFO, String.format("CPU to ready %.2f s; the aws profile vs this floor: %.2f",
                            Stats.of(workerFloorCpu).median(), Stats.of(shipped).median() / Stats.of(workerFloor).median()));
        }
        report.placeholder(SECTION, "container start → healthy",
                "measured by the container work (tools/container-smoke.sh); not part of this harness");
    }

    /** {seconds to ready, CPU seconds when ready}. */
    private double[] floorApp(int rep, List<String> jvmArgs) throws Exception {
        return floorApp(rep + (jvmArgs.isEmpty() ? "" : "-flags"), jvmArgs);
    }

    private double[] floorApp(String label, List<String> jvmArgs) throws Exception {
        return floorApp("startup-floor-" + label, jvmArgs, TimerFloorApp.class, List.of());
    }

    private double[] floorApp(String name, List<String> jvmArgs, Class<?> app, List<String> appArgs) throws Exception {
        int port = FreePorts.next();
        try (Procs.Jar p = startFloor(name, port, jvmArgs, app, appArgs)) {
            double ready = p.awaitHttp200("http://127.0.0.1:" + port + "/observe/health/ready", 120);
            double cpu = Procs.cpuMsWithChildren(p.pid()) / 1000;
            p.kill();
            return new double[] {ready, cpu};
        }
    }

    private Procs.Jar startFloor(String name, int port, List<String> jvmArgs, Class<?> app, List<String> appArgs)
            throws Exception {
        // CDS refuses a non-empty directory on the class path: with flags, the floor's classes come from a jar
        String cp = env.jar() + ":" + (jvmArgs.isEmpty()
                ? Path.of(TimerFloorApp.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                : floorJar());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", cp, app.getName(), String.valueOf(port)));
        cmd.addAll(appArgs);
        return Procs.Jar.startCommand(cmd, dir, name);
    }

    /** TimerFloorApp's classes as a jar of their own (made once per run). */
    private Path floorJar() throws Exception {
        Path jar = dir.resolve("timer-floor.jar");
        if (java.nio.file.Files.isRegularFile(jar)) {
            return jar;
        }
        Path classes = Path.of(TimerFloorApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = classes.resolve(TimerFloorApp.class.getPackageName().replace('.', '/'));
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar));
             java.util.stream.Stream<Path> files = java.nio.file.Files.list(pkg)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("TimerFloorApp")
                    || f.getFileName().toString().startsWith("SqsFloorApp")).toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(f).toString()));
                out.write(java.nio.file.Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static List<String> containerFlags(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive);
    }

    /** As docker/Dockerfile trains it: a local-profile start on a transient local cloud, ended after 5 s. */
    private Path trainAppArchive() throws Exception {
        Path archive = dir.resolve("startup-app.jsa");
        java.nio.file.Files.deleteIfExists(archive);
        Path cwd = dir.resolve("startup-train");
        List<String> args = List.of("run", "--routes", env.routesDir().toString(), "--config", env.configDir().toString(),
                "--set", "pipeline.localcloud.port=0", "--set", "pipeline.localcloud.smtp-port=0",
                "--set", "pipeline.localcloud.transient=true",
                "--set", "pipeline.localcloud.data-dir=" + cwd.resolve("data"),
                "--set", "pipeline.ffmpeg.work-dir=" + cwd.resolve("work"),
                "--set", "camel.management.port=0", "--set", "camel.main.duration-max-seconds=5");
        try (Procs.Jar p = Procs.Jar.start(env.jar(), cwd, "startup-train", List.of("-XX:ArchiveClassesAtExit=" + archive),
                args)) {
            if (!p.process.waitFor(300, java.util.concurrent.TimeUnit.SECONDS) || !java.nio.file.Files.isRegularFile(archive)) {
                throw new IllegalStateException("AppCDS training made no archive:\n" + p.tail());
            }
        }
        return archive;
    }

    /** The floor's own archive: started once with -XX:ArchiveClassesAtExit and stopped (SIGTERM) when ready. */
    private Path trainFloorArchive() throws Exception {
        Path archive = dir.resolve("startup-floor.jsa");
        java.nio.file.Files.deleteIfExists(archive);
        int port = FreePorts.next();
        Procs.Jar p = startFloor("startup-floor-train", port, List.of("-XX:ArchiveClassesAtExit=" + archive),
                TimerFloorApp.class, List.of());
        try (p) {
            p.awaitHttp200("http://127.0.0.1:" + port + "/observe/health/ready", 120);
        } // close(): SIGTERM; the archive is written as the JVM exits
        if (!java.nio.file.Files.isRegularFile(archive)) {
            throw new IllegalStateException("floor AppCDS training made no archive:\n" + p.tail());
        }
        return archive;
    }

    /** {seconds to ready, seconds to the 'Routes started' line}. */
    private double[] localProfile(int rep) throws Exception {
        int port = FreePorts.next();
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
