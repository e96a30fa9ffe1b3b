package io.videopipeline.localcloud;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * AWS clients we did not write, which {@code scripts/setup.sh} installs, for the tests that prove the local cloud
 * speaks to them. A missing client fails the test with what to run, never skips it: the README's test command runs
 * setup first, and a run that skipped them would claim a compatibility it never checked.
 */
public final class ForeignClients {
    /** Debian's awscli package (2.x). Not "any aws on PATH": that may be a v1 CLI without the services we need. */
    public static final Path AWS_CLI = Path.of("/usr/bin/aws");
    /** The AWS SDK for JavaScript v2, the last AWS client with ElasticTranscoder, behind a CLI-like script. */
    public static final Path ET_CLIENT = Path.of("localcloud/src/test/node/et-client");

    private ForeignClients() {
    }

    /** The AWS CLI's path, or the test fails saying how to install it. */
    public static Path awsCli() {
        require(Files.isExecutable(AWS_CLI), "the AWS CLI (" + AWS_CLI + ", Debian package awscli)");
        return AWS_CLI;
    }

    /** {@code node et.js}: the Elastic Transcoder client's command line, or the test fails saying how to install it. */
    public static List<String> elasticTranscoderClient() {
        Optional<Path> node = onPath("node");
        Path script = ET_CLIENT.resolve("et.js").toAbsolutePath();
        Path sdk = ET_CLIENT.resolve("node_modules/aws-sdk/package.json");
        require(node.isPresent() && Files.exists(sdk), "the Elastic Transcoder client (node and the AWS SDK for"
                + " JavaScript v2 in " + ET_CLIENT + "/node_modules)");
        return List.of(node.get().toString(), script.toString());
    }

    static void require(boolean present, String what) {
        if (present) {
            return;
        }
        fail(what + " is not installed: run scripts/setup.sh");
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
    }
}
