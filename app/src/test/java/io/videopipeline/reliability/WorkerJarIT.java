package io.videopipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.PipelineProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker jar, as the Kubernetes and ECS examples run it: no local cloud inside (nor S3Proxy, ElasticMQ,
 * GreenMail), a clear refusal of the {@code local} profile, and in the {@code aws} profile the whole pipeline,
 * here against a local cloud run by the full jar in a process of its own.
 */
class WorkerJarIT {
    /** Class-name prefixes of the emulators and of what only they bring. */
    private static final List<String> LOCAL_CLOUD_ONLY = List.of("io/videopipeline/localcloud/", "org/gaul/",
            "org/elasticmq/", "com/icegreen/", "org/apache/pekko/", "org/jclouds/", "scala/");

    @TempDir
    Path work;

    @Test
    void holdsNoLocalCloudClassesWhileTheFullJarDoes() throws IOException {
        assertThat(localCloudEntries(PipelineProcess.workerJar())).isEmpty();
        assertThat(localCloudEntries(PipelineProcess.jar())).as("the full jar, for contrast")
                .anyMatch(e -> e.startsWith("io/videopipeline/localcloud/"))
                .anyMatch(e -> e.startsWith("org/gaul/"))
                .anyMatch(e -> e.startsWith("org/elasticmq/"))
                .anyMatch(e -> e.startsWith("com/icegreen/"));
    }

    @Test
    void refusesTheLocalProfileSayingWhy() throws Exception {
        Path project = Path.of(System.getProperty("pipeline.project.dir", "."));
        try (PipelineProcess worker = PipelineProcess.start(PipelineProcess.workerJar(), work, Map.of(),
                "run", "--profile", "local", "--config", project.resolve("config").toString(),
                "--routes", project.resolve("routes").toString())) {
            assertThat(worker.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
            assertThat(worker.output()).contains("this jar has no local cloud")
                    .contains("use --profile aws, or video-pipeline.jar for the local profile");
        }
    }

    @Test
    void runsThePipelineInTheAwsProfile() throws Exception {
        Path clip = PipelineRig.clip(work.resolve("clips/worker.mov"), 2);
        try (PipelineRig rig = new PipelineRig(work.resolve("run"))) {
            rig.startSeparateCloud(null);
            rig.jar(PipelineProcess.workerJar()).start();
            rig.upload("worker/worker.mov", clip);

            List<String> expected = PipelineRig.expectedKeys(List.of("worker/worker.mov"));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300))
                    .until(() -> rig.transcodedKeys().containsAll(expected) && rig.mailSubjects().size() == 3);
            assertThat(rig.transcodedKeys()).containsExactlyElementsOf(expected);
            assertThat(rig.allOutput()).doesNotContain("ERROR");
            assertThat(rig.terminate(Duration.ofSeconds(30))).isIn(0, 143);
        }
    }

    private static List<String> localCloudEntries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName)
                    .filter(name -> LOCAL_CLOUD_ONLY.stream().anyMatch(name::startsWith)).toList();
        }
    }
}
