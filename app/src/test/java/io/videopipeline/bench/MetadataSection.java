package io.videopipeline.bench;

import io.videopipeline.metadata.MetadataExtractor;
import io.videopipeline.metadata.MetadataSettings;
import io.videopipeline.metadata.MeteredMetadataExtraction;
import io.videopipeline.media.S3FileUpload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * 3. Metadata: the real MetadataExtractor (ffprobe through a presigned URL) on faststart MP4s of several sizes in
 * the local cloud process, against downloading the object and probing the local file.
 */
final class MetadataSection {
    private static final String SECTION = "3 metadata";
    private static final String BUCKET = "video-transcoded";

    private final BenchEnv env;
    private final BenchReport report;
    private final Deployment.Cloud cloud;
    private final Path dir;

    MetadataSection(BenchEnv env, BenchReport report, Deployment.Cloud cloud, Path dir) {
        this.env = env;
        this.report = report;
        this.cloud = cloud;
        this.dir = dir;
    }

    void run() throws Exception {
        List<Integer> sizes = env.pickList("metadata.sizes", List.of(10, 100), List.of(10, 100, 1024));
        int reps = env.pick("metadata.reps", 1, 3);
        try (S3Presigner presigner = cloud.presigner(cloud.endpoint)) {
            MetadataExtractor extractor = new MetadataExtractor(cloud.s3, presigner, MetadataSettings.defaults());
            for (int mb : sizes) {
                Path file = Media.sized(env.mediaDir(), mb);
                long size = Files.size(file);
                String key = "bench-meta/noise-" + mb + "MB/noise-" + mb + "MB-1080p.mp4";
                new S3FileUpload(cloud.s3, 64L << 20).upload(file, BUCKET, key, "video/mp4", Map.of("preset", "1080p"));

                MeteredMetadataExtraction.Reading metered = MeteredMetadataExtraction.extract(cloud.s3, cloud.endpoint,
                        cloud::presigner, BUCKET, key);
                List<Double> presigned = new ArrayList<>();
                List<Double> download = new ArrayList<>();
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    extractor.extract(BUCKET, key);
                    presigned.add((System.nanoTime() - t0) / 1e6);

                    Path local = dir.resolve("download-" + mb + ".mp4");
                    Files.deleteIfExists(local);
                    t0 = System.nanoTime();
                    // the same end result as the extractor: HEAD (user metadata), probe, JSON written beside it
                    cloud.s3.headObject(b -> b.bucket(BUCKET).key(key));
                    cloud.s3.getObject(b -> b.bucket(BUCKET).key(key), ResponseTransformer.toFile(local));
                    String json = Procs.run(List.of("/usr/bin/ffprobe", "-v", "error", "-print_format", "json",
                            "-show_format", "-show_streams", local.toString()), 120);
                    cloud.s3.putObject(b -> b.bucket(BUCKET).key(key + ".baseline.json").contentType("application/json"),
                            software.amazon.awssdk.core.sync.RequestBody.fromString(json));
                    download.add((System.nanoTime() - t0) / 1e6);
                    Files.delete(local);
                }
                String label = String.format("%.0f MB faststart MP4", size / 1048576.0);
                report.add(SECTION, "extract-metadata time, " + label, "ms", Stats.of(presigned),
                        "HEAD + download + local ffprobe + PUT json", Stats.of(download), BenchReport.Target.AT_MOST_1_10,
                        "extractor: HEAD, ffprobe on a presigned URL, PUT json (local cloud over loopback)");
                report.add(SECTION, "bytes sent to ffprobe, " + label, "KiB", Stats.of(metered.bytesToFfprobe() / 1024.0),
                        "whole object (download)", Stats.of(size / 1024.0), BenchReport.Target.INFO,
                        metered.requests().size() + " HTTP request(s): " + metered.requests());
                cloud.s3.deleteObject(b -> b.bucket(BUCKET).key(key));
                String json = key.substring(0, key.length() - 4) + ".json";
                cloud.s3.deleteObject(b -> b.bucket(BUCKET).key(json));
                cloud.s3.deleteObject(b -> b.bucket(BUCKET).key(key + ".baseline.json"));
            }
        }
    }
}
