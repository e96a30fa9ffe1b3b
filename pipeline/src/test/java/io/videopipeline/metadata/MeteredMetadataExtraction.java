package io.videopipeline.metadata;

import java.net.URI;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * For the benchmarks: runs the real {@link MetadataExtractor} with its presigned URLs pointing at a
 * {@link CountingRelay} in front of {@code s3Endpoint}, and answers the bytes S3 sent to ffprobe.
 */
public final class MeteredMetadataExtraction {

    public record Reading(long bytesToFfprobe, List<String> requests, double seconds) {
    }

    private MeteredMetadataExtraction() {
    }

    /** @param presignerFor builds a presigner whose URLs point at the given base URI */
    public static Reading extract(S3Client s3, URI s3Endpoint, Function<URI, S3Presigner> presignerFor, String bucket,
                                  String key) throws Exception {
        try (CountingRelay relay = new CountingRelay(s3Endpoint);
                S3Presigner presigner = presignerFor.apply(relay.endpoint())) {
            MetadataExtractor extractor = new MetadataExtractor(s3, presigner, MetadataSettings.defaults());
            long t0 = System.nanoTime();
            extractor.extract(bucket, key);
            double seconds = (System.nanoTime() - t0) / 1e9;
            // the relay's pump threads may still be counting the last buffer: wait until the count settles
            long before;
            do {
                before = relay.bytesToClients();
                Thread.sleep(100);
            } while (relay.bytesToClients() != before);
            return new Reading(relay.bytesToClients(), relay.requests(), seconds);
        }
    }
}
