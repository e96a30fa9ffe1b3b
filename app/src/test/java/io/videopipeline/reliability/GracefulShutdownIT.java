package io.videopipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.videopipeline.FreePorts;
import io.videopipeline.PipelineProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM as a container runtime sends it. Idle: the jar exits at once, without waiting out its consumers' 20 s
 * long polls. Busy with a job that ends within the grace period: it exits as soon as the job is done. Busy with a
 * job that outlasts the grace period: it stops consuming, waits the grace period, exits; no ffmpeg survives it,
 * nothing partial is written, and the upload's message is not deleted, so the next start transcodes it completely.
 * In the local profile the embedded cloud is stopped last, before the JVM exits.
 *
 * <p>The time bounds are upper bounds far above what is expected (about 1 s; README, "Stopping"), so a loaded
 * machine does not fail them; before the long polls were ended at shutdown the idle exit took up to 20 s.
 */
class GracefulShutdownIT {
    private static final int GRACE_SECONDS = 3;
    /** SQS consumers of the shipped routes in the aws profile: transcode-video and the three fan-out routes. */
    private static final int CONSUMERS = 4;
    private static final long IDLE_EXIT_BOUND_SECONDS = 10;

    @Test
    void idleRunnerExitsWithoutWaitingForItsLongPolls() throws Exception {
        try (PipelineRig rig = new PipelineRig(work.resolve("run"));
             FaultProxy proxy = new FaultProxy(rig.cloudPort, 1, 0.0)) {
            // The proxy (no faults) lets the test see the runner's receives waiting for an answer.
            rig.startSeparateCloud(proxy.endpoint());
            // The shipped grace period: what a long poll could hold the stop for, were it waited out.
            rig.set("pipeline.shutdown.grace-seconds", "30");
            rig.start();
            // Idle: the s3:TestEvents provisioning left on the queues are consumed, and every consumer waits in a
            // receive that has nothing to return (the first polls return those events at once).
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                    rig.queueDepths().values().stream().allMatch(d -> d == 0) && proxy.openReceives() >= CONSUMERS);

            long started = System.nanoTime();
            int exit = rig.terminate(Duration.ofSeconds(40));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("IDLE SIGTERM exit=%d after %.1f s%n", exit, seconds);

            assertThat(exit).isIn(0, 143);
            assertThat(seconds).as("idle exit after SIGTERM, with %d long polls open", CONSUMERS)
                    .isLessThan(IDLE_EXIT_BOUND_SECONDS);
            assertThat(rig.allOutput()).doesNotContain("Error while polling");
        }
    }

    /**
     * In the local profile the embedded cloud stops after the routes and before the JVM exits, so what the routes'
     * stop changes in it is kept: the console deletes the events queue it made for this runner. Before, H2's own
     * shutdown hook closed the queues' database meanwhile ("Database is already closed", logged as an error on every
     * stop), the delete was lost and each run left its queue behind.
     */
    @Test
    void theEmbeddedCloudOutlivesTheRoutesAndKeepsWhatTheirStopChanged() throws Exception {
        try (PipelineRig rig = new PipelineRig(work.resolve("run"))) {
            rig.set("pipeline.console.port", String.valueOf(FreePorts.next()));
            rig.start();
            List<String> first = consoleQueues(rig);
            assertThat(first).as("the console's events queue of this runner").hasSize(1);

            int exit = rig.terminate(Duration.ofSeconds(40));
            assertThat(exit).isIn(0, 143);
            assertThat(rig.allOutput()).contains("Local cloud stopped")
                    .doesNotContain("Database is already closed").doesNotContain(" ERROR ")
                    .doesNotContain("Could not addJvmShutdownHook");

            rig.start();
            assertThat(consoleQueues(rig)).as("queues of the console after a restart on the same data")
                    .hasSize(1).doesNotContainAnyElementsOf(first);
        }
    }

    private static List<String> consoleQueues(PipelineRig rig) {
        return rig.sqs().listQueues(b -> b.queueNamePrefix("video-pipeline-console")).queueUrls();
    }

    @Test
    void sigtermMidTranscodeExitsAsSoonAsTheJobIsDone() throws Exception {
        Path clip = PipelineRig.clip(work.resolve("clips/short.mov"), 10);
        try (PipelineRig rig = new PipelineRig(work.resolve("run"))) {
            rig.startSeparateCloud(null);
            rig.set("pipeline.shutdown.grace-seconds", "120");
            rig.start();
            rig.upload("term/short.mov", clip);
            await().atMost(Duration.ofSeconds(60)).until(rig::ffmpegRunning);

            PipelineProcess runner = rig.process();
            runner.terminateAsync();
            List<String> renditions = PipelineRig.PRESETS.stream().map(p -> "term/short/short-" + p + ".mp4").toList();
            await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofMillis(200))
                    .until(() -> rig.transcodedKeys().containsAll(renditions));
            long jobDone = System.nanoTime();
            int exit = runner.awaitExit(Duration.ofSeconds(60));
            double seconds = (System.nanoTime() - jobDone) / 1e9;
            System.out.printf("BUSY SIGTERM exit=%d %.1f s after the job's last rendition%n", exit, seconds);

            assertThat(exit).isIn(0, 143);
            assertThat(seconds).as("exit after the in-flight job ended (grace 120 s)").isLessThan(IDLE_EXIT_BOUND_SECONDS);
            assertThat(rig.queueDepths().get("video-upload-events")).as("the finished job's message was deleted").isZero();
        }
    }

    @TempDir
    Path work;

    /**
     * A stopped runner's last long polls still wait in SQS (the client gave up on them, the queue does not know); the
     * next message is handed to one of them and lost to everyone until the visibility timeout that receive asked for
     * runs out. With receives asking for a short visibility (extended while the work goes on) that is seconds, not
     * the retry delay (aws/aws-sdk-java-v2#1395; a KEDA scale-in or a deploy stops runners like this).
     */
    @Test
    void aMessageHandedToAStoppedRunnersLongPollComesBackAfterTheReceiveVisibility() throws Exception {
        Path clip = PipelineRig.clip(work.resolve("clips/after-stop.mov"), 1);
        try (PipelineRig rig = new PipelineRig(work.resolve("run"));
             FaultProxy proxy = new FaultProxy(rig.cloudPort, 1, 0.0)) {
            rig.startSeparateCloud(proxy.endpoint());
            int receiveVisibility = 4;
            int retryDelay = 120; // what such a message waited before: its receive asked for the retry delay
            rig.set("pipeline.sqs.receive-visibility-seconds", String.valueOf(receiveVisibility))
                    .set("pipeline.transcode.visibility-timeout-seconds", String.valueOf(retryDelay));
            rig.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                    rig.queueDepths().values().stream().allMatch(d -> d == 0) && proxy.openReceives() >= CONSUMERS);
            assertThat(rig.terminate(Duration.ofSeconds(40))).isIn(0, 143);

            rig.upload("after-stop/clip.mov", clip);
            var sqs = rig.sqs();
            String queue = sqs.getQueueUrl(b -> b.queueName("video-upload-events")).queueUrl();
            // the event is in flight at once: the stopped runner's poll took it, and nobody can see it
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() ->
                    "1".equals(sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(
                            software.amazon.awssdk.services.sqs.model.QueueAttributeName
                                    .APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes().values().iterator().next()));
            long taken = System.nanoTime();
            // a consumer that comes later gets it once the receive's visibility runs out
            var received = await().atMost(Duration.ofSeconds(retryDelay / 2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages(),
                            m -> !m.isEmpty());
            double seconds = (System.nanoTime() - taken) / 1e9;
            System.out.printf("A message taken by a stopped runner's long poll was received again after %.1f s%n",
                    seconds);
            assertThat(received.get(0).body()).contains("after-stop/clip.mov");
            assertThat(seconds).as("back after the receive visibility (%d s), not the retry delay (%d s)",
                    receiveVisibility, retryDelay).isLessThan(receiveVisibility + 20);
        }
    }

    @Test
    void sigtermMidTranscodeExitsWithinTheGracePeriodAndLosesNothing() throws Exception {
        Path clip = PipelineRig.clip(work.resolve("clips/long.mov"), 20);
        try (PipelineRig rig = new PipelineRig(work.resolve("run"))) {
            rig.startSeparateCloud(null);
            rig.set("pipeline.shutdown.grace-seconds", String.valueOf(GRACE_SECONDS))
                    // slow enough that the job is still running when the grace period ends
                    .set("pipeline.ffmpeg.x264-preset", "veryslow");
            rig.start();
            rig.upload("term/long.mov", clip);
            await().atMost(Duration.ofSeconds(60)).until(rig::ffmpegRunning);
            List<ProcessHandle> ffmpeg = rig.strayFfmpeg();
            assertThat(ffmpeg).isNotEmpty();

            long started = System.nanoTime();
            int exit = rig.terminate(Duration.ofSeconds(GRACE_SECONDS + 30));
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            System.out.printf("SIGTERM exit=%d after %d s (grace %d s)%n", exit, seconds, GRACE_SECONDS);

            assertThat(seconds).as("exit within grace + JVM shutdown").isLessThan(GRACE_SECONDS + 20);
            assertThat(ffmpeg).noneMatch(ProcessHandle::isAlive);
            assertThat(rig.strayFfmpeg()).isEmpty();
            // nothing partial under final keys: only the job record, which says the job did not complete
            assertThat(rig.transcodedKeys()).as("nothing partial under final keys")
                    .containsExactly("term/long/long.job.json");
            String record = rig.s3().getObjectAsBytes(b -> b.bucket(PipelineRig.TRANSCODED).key("term/long/long.job.json"))
                    .asUtf8String();
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(record).path("state").asText())
                    .as("the interrupted job's record").isIn("Submitted", "Progressing");
            assertThat(rig.queueDepths().get("video-upload-events")).as("the message was not deleted").isEqualTo(1);

            // Next start (fast preset): the message comes back after its visibility timeout and completes.
            rig.set("pipeline.ffmpeg.x264-preset", "ultrafast");
            rig.start();
            List<String> expected = PipelineRig.expectedKeys(List.of("term/long.mov"));
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() ->
                    rig.transcodedKeys().containsAll(expected)
                            && rig.queueDepths().values().stream().allMatch(d -> d == 0));
            assertThat(rig.transcodedKeys()).containsExactlyElementsOf(expected);
            assertThat(rig.mailSubjects()).hasSize(3).doesNotHaveDuplicates();
            assertThat(rig.terminate(Duration.ofSeconds(30))).isIn(0, 143);
            assertThat(rig.tempFiles()).isEmpty();
        }
    }
}
