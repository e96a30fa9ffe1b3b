package io.videopipeline.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line, resolved against environment variables: an option given on the command line
 * wins over its environment variable, which wins over the default.
 */
public record LaunchOptions(
        String command,
        Path routesDir,
        Path configDir,
        String profile,
        Map<String, String> cliProperties,
        boolean dryRun,
        List<String> arguments) {

    public static final String DEFAULT_PROFILE = "local";

    public static final String USAGE = """
            Usage: java -jar video-pipeline.jar [COMMAND] [OPTIONS]

            Commands:
              run           start the local cloud (profile local) and the routes (default)
              localcloud    start only the local cloud (S3, SQS, SNS, SMTP on one endpoint)
              provision     create buckets, queues, topic, subscriptions and notifications
                            idempotently against the configured endpoint (--dry-run: only print)
              dlq           list or redrive dead-lettered messages (dlq list|redrive QUEUE)
              status        print the job records of uploads (status [--json] [KEY...]; no KEY: the
                            most recent), one line each: state, percent, ETA, outputs, reason
              help          print this help
              version       print the version

            Options (environment variable in brackets; option > variable > default):
              --routes DIR        YAML routes directory           [PIPELINE_ROUTES_DIR]  (./routes)
              --config DIR        configuration directory         [PIPELINE_CONFIG_DIR]  (./config)
              --profile NAME      local | aws | any config/application-NAME.properties
                                                                  [CAMEL_MAIN_PROFILE]   (local)
              --set KEY=VALUE     override one property (repeatable); wins over files and env
              --dry-run           with provision: print the plan, change nothing
              -h, --help          print this help
              -v, --version       print the version

            Property precedence: application.properties < application-PROFILE.properties
              < environment variable (pipeline.foo-bar -> PIPELINE_FOO_BAR) < --set.
            Exit codes: 0 ok, 1 unexpected failure, 2 bad command line, 3 bad configuration or route.
            """;

    private static final List<String> COMMANDS =
            List.of("run", "localcloud", "provision", "dlq", "status", "help", "version");

    public static LaunchOptions parse(String[] args, Map<String, String> env) {
        String command = null;
        String routes = null;
        String config = null;
        String profile = null;
        boolean dryRun = false;
        Map<String, String> props = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> command = "help";
                case "-v", "--version" -> command = "version";
                case "--routes" -> routes = value(args, ++i, arg);
                case "--config" -> config = value(args, ++i, arg);
                case "--profile" -> profile = value(args, ++i, arg);
                case "--dry-run" -> dryRun = true;
                case StatusCommand.JSON_FLAG -> rest.add(arg); // the status command's own option
                case "--set" -> {
                    String kv = value(args, ++i, arg);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new UserError(UserError.USAGE,
                                "option --set expects KEY=VALUE but got '" + kv + "'");
                    }
                    props.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
                }
                default -> {
                    if (arg.startsWith("--") && arg.contains("=")) {
                        // --routes=DIR style
                        int eq = arg.indexOf('=');
                        String[] split = {arg.substring(0, eq), arg.substring(eq + 1)};
                        String[] again = new String[args.length + 1];
                        System.arraycopy(args, 0, again, 0, i);
                        again[i] = split[0];
                        again[i + 1] = split[1];
                        System.arraycopy(args, i + 1, again, i + 2, args.length - i - 1);
                        return parse(again, env);
                    }
                    if (arg.startsWith("-")) {
                        throw new UserError(UserError.USAGE,
                                "unknown option '" + arg + "' (see --help)");
                    }
                    if (command == null && rest.isEmpty()) {
                        if (!COMMANDS.contains(arg)) {
                            throw new UserError(UserError.USAGE, "unknown command '" + arg
                                    + "': expected one of " + String.join(", ", COMMANDS));
                        }
                        command = arg;
                    } else {
                        rest.add(arg);
                    }
                }
            }
        }
        return new LaunchOptions(
                command == null ? "run" : command,
                Path.of(firstNonBlank(routes, env.get("PIPELINE_ROUTES_DIR"), "routes")),
                Path.of(firstNonBlank(config, env.get("PIPELINE_CONFIG_DIR"), "config")),
                firstNonBlank(profile, env.get("CAMEL_MAIN_PROFILE"), env.get("PIPELINE_PROFILE"),
                        DEFAULT_PROFILE),
                Map.copyOf(props),
                dryRun,
                List.copyOf(rest));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UserError(UserError.USAGE, "option " + option + " needs a value (see --help)");
        }
        return args[i];
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
