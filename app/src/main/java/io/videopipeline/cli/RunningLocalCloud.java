package io.videopipeline.cli;

import io.videopipeline.config.PipelineConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the one-shot commands ({@code dlq}, {@code provision}) send their AWS calls in a profile with the
 * embedded local cloud: to the local cloud a runner (or {@code localcloud}) started, never to AWS.
 *
 * <p>Why: the local profile leaves {@code pipeline.aws.endpoint-url} empty, because the runner points its
 * clients at the local cloud only once it has started it. A command run beside it read the same empty
 * endpoint, so {@code dlq list} went to {@code sqs.us-east-1.amazonaws.com} and died there.
 */
public final class RunningLocalCloud {
    private static final int CONNECT_TIMEOUT_MS = 1000;

    private RunningLocalCloud() {
    }

    /**
     * The configuration a command uses: unchanged in a profile without the embedded local cloud ({@code aws});
     * otherwise pointed at the running local cloud (an explicit {@code pipeline.aws.endpoint-url} wins), or a
     * {@link UserError} saying that none is running and how to start one.
     */
    public static PipelineConfig pointAt(PipelineConfig config) {
        if (!config.getBoolean("pipeline.localcloud.enabled", false)) {
            return config;
        }
        URI endpoint = endpoint(config);
        if (!reachable(endpoint)) {
            throw new UserError(UserError.CONFIG, "no local cloud is running at " + endpoint + " (profile "
                    + config.profile() + "): start the pipeline first ('java -jar video-pipeline.jar', or only the"
                    + " local cloud: 'java -jar video-pipeline.jar localcloud'), or use --profile aws for AWS");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("pipeline.aws.endpoint-url", endpoint.toString());
        overrides.put("pipeline.aws.force-path-style", "true");
        // The local cloud accepts only its own keys; never fall back to the user's AWS credentials.
        overrides.put("pipeline.aws.access-key", config.get("pipeline.aws.access-key", "test"));
        overrides.put("pipeline.aws.secret-key", config.get("pipeline.aws.secret-key", "test"));
        return config.withOverrides(overrides);
    }

    static URI endpoint(PipelineConfig config) {
        String explicit = config.get("pipeline.aws.endpoint-url", "");
        if (!explicit.isBlank()) {
            return URI.create(explicit.trim());
        }
        int port = config.getInt("pipeline.localcloud.port", 4566);
        if (port == 0) {
            throw new UserError(UserError.CONFIG, "pipeline.localcloud.port is 0 (a random port): pass the running"
                    + " local cloud's endpoint with --set pipeline.aws.endpoint-url=http://127.0.0.1:PORT");
        }
        String host = config.get("pipeline.localcloud.bind-address", "127.0.0.1").trim();
        // A cloud listening on every address is reached on loopback.
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            host = "127.0.0.1";
        }
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    private static boolean reachable(URI endpoint) {
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.getHost(), port), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
