package io.videopipeline.localcloud.et;

import java.nio.file.Path;
import java.util.Objects;

import io.videopipeline.localcloud.gateway.AwsAccount;

/**
 * Settings of the local Elastic Transcoder.
 *
 * @param region    region in ARNs ({@code us-east-1})
 * @param accountId account in ARNs ({@code 000000000000})
 * @param dataDir   where pipelines and jobs are kept as JSON ({@code pipelines.json}, {@code jobs.json}) across
 *                  restarts; null keeps them in memory only
 * @param workers   jobs transcoded at the same time (ET ran one pipeline's jobs roughly in order; 1 is the
 *                  polite default on a shared machine)
 */
public record EtSettings(String region, String accountId, Path dataDir, int workers) {

    public EtSettings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        if (workers < 1) {
            throw new IllegalArgumentException("local Elastic Transcoder workers must be at least 1, got " + workers);
        }
    }

    public static EtSettings defaults() {
        return new EtSettings("us-east-1", AwsAccount.DEFAULT_ID, null, 1);
    }

    public EtSettings withDataDir(Path dir) {
        return new EtSettings(region, accountId, dir, workers);
    }
}
