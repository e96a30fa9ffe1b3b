package io.videopipeline;

import io.videopipeline.aws.AwsSettings;
import io.videopipeline.cli.DeadLetterCommand;
import io.videopipeline.cli.LaunchOptions;
import io.videopipeline.cli.LocalCloudCommand;
import io.videopipeline.cli.ProvisionCommand;
import io.videopipeline.cli.PipelineRunner;
import io.videopipeline.cli.UserError;
import io.videopipeline.cli.Version;
import io.videopipeline.config.PipelineConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar video-pipeline.jar [COMMAND] [OPTIONS]}: parses the command line and hands over.
 * User mistakes end as one line on stderr and a documented exit code, never a stack trace.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args) {
        try {
            LaunchOptions options = LaunchOptions.parse(args, System.getenv());
            switch (options.command()) {
                case "help" -> System.out.print(LaunchOptions.USAGE);
                case "version" -> System.out.println("video-pipeline " + Version.current());
                default -> {
                    PipelineConfig config = PipelineConfig.load(options.configDir(), options.profile(),
                            System.getenv(), options.cliProperties());
                    Commands.run(options, config);
                }
            }
            return 0;
        } catch (UserError e) {
            System.err.println("video-pipeline: error: " + e.getMessage());
            LOG.debug("Details", e);
            return e.exitCode();
        }
    }

    /** Dispatch to the sub-commands; kept apart so Main stays a page. */
    static final class Commands {
        private Commands() {
        }

        static void run(LaunchOptions options, PipelineConfig config) {
            switch (options.command()) {
                case "run" -> new PipelineRunner(config, options.routesDir()).run();
                case "localcloud" -> LocalCloudCommand.run(config);
                case "provision" -> ProvisionCommand.run(config, AwsSettings.from(config), options.dryRun());
                case "dlq" -> DeadLetterCommand.run(config, AwsSettings.from(config), options.arguments());
                default -> throw new UserError(UserError.USAGE, "unknown command '" + options.command() + "'");
            }
        }
    }
}
