package io.videopipeline;

import io.videopipeline.aws.AwsSettings;
import io.videopipeline.cli.DeadLetterCommand;
import io.videopipeline.cli.StatusCommand;
import io.videopipeline.cli.LaunchOptions;
import io.videopipeline.cli.LocalCloudCommand;
import io.videopipeline.cli.ProvisionCommand;
import io.videopipeline.cli.PipelineRunner;
import io.videopipeline.cli.RunningLocalCloud;
import io.videopipeline.cli.UserError;
import io.videopipeline.cli.Version;
import io.videopipeline.config.ConfigurationError;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.config.SettingsCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code java -jar video-pipeline.jar [COMMAND] [OPTIONS]}: parses the command line and hands over.
 * User mistakes end as one line on stderr and a documented exit code, never a stack trace; a bug ends with its stack
 * trace and exit code 1, so it is not mistaken for a setting to fix.
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
                    // Every command: a typo'd setting is reported now, not when the first message needs it.
                    SettingsCheck.check(config);
                    Commands.run(options, config);
                }
            }
            return 0;
        } catch (UserError e) {
            System.err.println("video-pipeline: error: " + e.getMessage());
            LOG.debug("Details", e);
            return e.exitCode();
        } catch (ConfigurationError e) {
            System.err.println("video-pipeline: error: " + e.getMessage());
            LOG.debug("Details", e);
            return UserError.CONFIG;
        } catch (SdkException e) {
            // A command's AWS call failed (no credentials, access denied, endpoint unreachable): the user's to fix,
            // and the SDK's message says what; the stack trace would bury it.
            System.err.println("video-pipeline: error: AWS call failed: " + oneLine(e.getMessage())
                    + " (PIPELINE_LOG_LEVEL=DEBUG shows the details)");
            LOG.debug("Details", e);
            return UserError.CONFIG;
        } catch (RuntimeException e) {
            System.err.println("video-pipeline: error: unexpected failure: " + oneLine(String.valueOf(e.getMessage()))
                    + " (" + e.getClass().getSimpleName() + "; a bug: the stack trace follows)");
            LOG.error("Unexpected failure", e);
            return 1;
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    /** Dispatch to the sub-commands; kept apart so Main stays a page. */
    static final class Commands {
        private Commands() {
        }

        static void run(LaunchOptions options, PipelineConfig config) {
            String command = options.command();
            if (!command.equals("dlq") && !command.equals("status") && !options.arguments().isEmpty()) {
                throw new UserError(UserError.USAGE, "command '" + command + "' takes no arguments, got '"
                        + String.join(" ", options.arguments()) + "' (see --help)");
            }
            if (options.dryRun() && !command.equals("provision")) {
                throw new UserError(UserError.USAGE, "--dry-run goes with provision only (see --help)");
            }
            switch (command) {
                case "run" -> new PipelineRunner(config, options.routesDir()).run();
                case "localcloud" -> LocalCloudCommand.run(config);
                case "provision" -> {
                    // In the local profile: the local cloud the runner started, never AWS.
                    PipelineConfig target = RunningLocalCloud.pointAt(config);
                    ProvisionCommand.run(target, AwsSettings.from(target), options.dryRun());
                }
                case "dlq" -> {
                    DeadLetterCommand.checkArguments(options.arguments());
                    PipelineConfig target = RunningLocalCloud.pointAt(config);
                    DeadLetterCommand.run(target, AwsSettings.from(target), options.arguments());
                }
                case "status" -> {
                    PipelineConfig target = RunningLocalCloud.pointAt(config);
                    StatusCommand.run(target, AwsSettings.from(target), options.arguments());
                }
                default -> throw new UserError(UserError.USAGE, "unknown command '" + command + "'");
            }
        }
    }
}
