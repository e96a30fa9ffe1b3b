package io.videopipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety end to end: uploads arrive while the packaged jar is SIGKILLed at seeded random moments (while
 * ffmpeg runs, while the fan-out runs, or at a random time) and restarted on the same data dir. In the end
 * every upload has exactly its three renditions, three metadata files and three mail markers, each rendition was
 * mailed once (twice at most when a kill fell between the SMTP server's acceptance and the mail marker: mail is
 * at-least-once across a crash, see MailLedger), no other object exists, every queue and DLQ is empty and no temp file or ffmpeg is left.
 *
 * <p>{@code -Dchaos.seed}, {@code -Dchaos.uploads}, {@code -Dchaos.kills} change the run (failsafe argLine).
 */
class ChaosIT {
    private static final long SEED = Long.getLong("chaos.seed", 20261125L);
    private static final int UPLOADS = Integer.getInteger("chaos.uploads", 10);
    private static final int KILLS = Integer.getInteger("chaos.kills", 6);
    private static final boolean COLOCATED = Boolean.getBoolean("chaos.colocated");

    @TempDir
    Path work;

    @Test
    void sigkillAtRandomPointsLosesAndDuplicatesNothing() throws Exception {
        Random random = new Random(SEED);
        Path clip = PipelineRig.clip(work.resolve("clips/chaos.mov"), 2);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < UPLOADS; i++) {
            keys.add("chaos/clip-" + String.format("%02d", i) + ".mov");
        }
        Deque<String> pending = new ArrayDeque<>(keys);
        Map<String, Integer> phases = new LinkedHashMap<>();
        long started = System.nanoTime();
        int orphans = 0;

        try (PipelineRig rig = new PipelineRig(work.resolve("run"))) {
            // The pipeline crashes, the cloud does not (as on AWS): the local cloud runs as a process of its own.
            // -Dchaos.colocated=true kills the default local profile instead (cloud inside the pipeline's JVM).
            if (!COLOCATED) {
                rig.startSeparateCloud(null);
            }
            for (int kill = 0; kill < KILLS; kill++) {
                rig.startAlive();
                int batch = (int) Math.ceil(pending.size() / (double) (KILLS - kill));
                for (int i = 0; i < batch && !pending.isEmpty(); i++) {
                    rig.upload(pending.poll(), clip);
                }
                String phase = waitForKillPoint(rig, random);
                rig.kill();
                phases.merge(phase, 1, Integer::sum);
                // SIGKILL runs no shutdown hook: the kernel ends ffmpeg (setpriv --pdeathsig), nothing else would.
                try {
                    await().atMost(Duration.ofSeconds(5)).until(() -> rig.strayFfmpeg().isEmpty());
                } catch (ConditionTimeoutException e) {
                    orphans += rig.strayFfmpeg().size();
                    rig.strayFfmpeg().forEach(ProcessHandle::destroyForcibly);
                }
            }

            rig.start();
            while (!pending.isEmpty()) {
                rig.upload(pending.poll(), clip);
            }
            List<String> expected = PipelineRig.expectedKeys(keys);
            String incomplete = null;
            try {
                await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() ->
                        rig.transcodedKeys().containsAll(expected)
                                && rig.queueDepths().values().stream().allMatch(d -> d == 0));
            } catch (ConditionTimeoutException e) {
                incomplete = "not complete: missing " + missing(expected, rig.transcodedKeys())
                        + ", queues " + rig.queueDepths() + "\n" + rig.allOutput() + "\n---- local cloud:\n"
                        + rig.cloudOutput();
            }
            // read the cloud's state before stopping: in co-located mode the cloud stops with the pipeline
            List<String> actual = rig.transcodedKeys();
            Map<String, Integer> depths = rig.queueDepths();
            assertThat(rig.terminate(Duration.ofSeconds(30))).isIn(0, 143);

            List<String> subjects = rig.mailSubjects();
            Map<String, Long> mailsPerRendition = subjects.stream()
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            long duplicated = mailsPerRendition.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
            long lost = keys.stream().filter(k -> !actual.containsAll(PipelineRig.expectedKeys(List.of(k)))).count();
            System.out.printf("CHAOS seed=%d uploads=%d kills=%d colocated=%s phases=%s orphan-ffmpeg=%d mails=%d"
                            + " duplicated-mails=%d incomplete-uploads=%d seconds=%d%n", SEED, UPLOADS, KILLS, COLOCATED,
                    phases, orphans, subjects.size(), duplicated, lost, (System.nanoTime() - started) / 1_000_000_000L);
            assertThat(incomplete).as("%s", incomplete).isNull();

            assertThat(actual).as("objects of the transcoded bucket").containsExactlyElementsOf(expected);
            // Mail is at-least-once across a crash (MailLedger): a kill between the SMTP server's "accepted" and
            // the marker PUT sends that one mail again. The kill points aim at the fan-out, so this window is hit
            // now and then; anything beyond one extra mail per such kill would be a bug.
            assertThat(mailsPerRendition).as("mails per rendition").allSatisfy((s, n) -> assertThat(n).isBetween(1L, 2L));
            assertThat(duplicated).as("repeated mails").isLessThanOrEqualTo(phases.getOrDefault("fan-out", 0));
            assertThat(mailsPerRendition).hasSize(3 * UPLOADS);
            for (String key : expected.stream().filter(k -> k.endsWith(".mp4")).toList()) {
                String file = key.substring(key.lastIndexOf('/') + 1);
                assertThat(subjects).as("mail for %s", key).anyMatch(s -> s.contains(file + " ("));
            }
            assertThat(depths).allSatisfy((queue, depth) -> assertThat(depth).as(queue).isZero());
            // A redelivered job may still be finishing when the end state is reached (it only re-uploads what is
            // missing); its temp dir must be gone once it ends. An orphaned dir never goes and fails here.
            try {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                        .until(() -> rig.tempFiles().isEmpty());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                assertThat(rig.tempFiles()).as("temp files in the ffmpeg work dir").isEmpty();
            }
            assertThat(rig.strayFfmpeg()).isEmpty();
            assertThat(orphans).as("ffmpeg processes that outlived a SIGKILLed jar").isZero();
            assertThat(rig.allOutput()).doesNotContain("dead-lettering");
        }
    }

    /**
     * Waits for the moment to kill: while ffmpeg runs, while renditions await their fan-out steps, or after a
     * random delay; answers which moment it was.
     */
    private static String waitForKillPoint(PipelineRig rig, Random random) throws InterruptedException {
        int choice = random.nextInt(3);
        long jitterMillis = random.nextInt(300);
        long randomDelayMillis = 500 + random.nextInt(5000);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        // Chaos timing, not synchronisation: the point is to hit the process at an arbitrary moment.
        Thread.sleep(300); // let the local cloud hand the upload events to SQS
        if (choice == 2) {
            Thread.sleep(randomDelayMillis);
            return describe(rig, "random");
        }
        while (System.nanoTime() < deadline) {
            if (choice == 0 && rig.ffmpegRunning()) {
                Thread.sleep(jitterMillis);
                return "ffmpeg";
            }
            if (choice == 1 && fanOutPending(rig)) {
                Thread.sleep(jitterMillis / 3);
                return "fan-out";
            }
            Thread.sleep(20);
        }
        return describe(rig, "idle");
    }

    private static String describe(PipelineRig rig, String fallback) {
        if (rig.ffmpegRunning()) {
            return "ffmpeg";
        }
        return fanOutPending(rig) ? "fan-out" : fallback;
    }

    /** Some rendition exists without its metadata file or mail marker yet. */
    private static boolean fanOutPending(PipelineRig rig) {
        try {
            List<String> keys = rig.transcodedKeys();
            return keys.stream().filter(k -> k.endsWith(".mp4")).anyMatch(k ->
                    !keys.contains(k.substring(0, k.length() - 4) + ".json") || !keys.contains(k + ".mailed"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static List<String> missing(List<String> expected, List<String> actual) {
        return expected.stream().filter(k -> !actual.contains(k)).toList();
    }
}
