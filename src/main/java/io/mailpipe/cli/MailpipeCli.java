package io.mailpipe.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mailpipe} command line: {@code run}, {@code demo}, {@code publish}, {@code quota}, {@code status},
 * {@code report}, {@code parse-bounce}, {@code suppression}, {@code replay}. Every command takes {@code --config},
 * {@code --help} and the other {@link GlobalOptions} before or after its name; a usage mistake is answered with one
 * line and a pointer to {@code --help}, a failure with one line starting {@code mailpipe:}.
 */
@Command(name = "mailpipe", mixinStandardHelpOptions = true, version = "mailpipe 0.1.0",
        description = "Headless mailing pipeline: send requests from Kafka through quota-aware SMTP accounts.",
        subcommands = {RunCommand.class, DemoCommand.class, PublishCommand.class, QuotaCommand.class, StatusCommand.class,
                ReportCommand.class, ParseBounceCommand.class, SuppressionCommand.class, ReplayCommand.class})
public final class MailpipeCli implements Runnable {

    /** Commands that run the pipeline itself: their log lines are their output, so they are not quietened. */
    private static final Set<String> WORKER_COMMANDS = Set.of("run", "demo");

    final GlobalOptions.Values values = new GlobalOptions.Values();

    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with mailpipe's handling of usage mistakes, failures and log levels. */
    public static CommandLine commandLine() {
        MailpipeCli root = new MailpipeCli();
        CommandLine cli = new CommandLine(root);
        cli.setParameterExceptionHandler(MailpipeCli::usageMistake);
        cli.setExecutionExceptionHandler((e, command, parsed) -> failed(e, command, root.values.verbose));
        cli.setExecutionStrategy(parsed -> {
            List<CommandLine> chain = parsed.asCommandLineList();
            String command = chain.size() > 1 ? chain.get(1).getCommandName() : "";
            if (WORKER_COMMANDS.contains(command)) {
                return new CommandLine.RunLast().execute(parsed);
            }
            try (CliLogging quiet = CliLogging.forTool(root.values.verbose)) {
                return new CommandLine.RunLast().execute(parsed);
            }
        });
        return cli;
    }

    /** One line: what is wrong, and where the help is. */
    private static int usageMistake(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String message = firstLine(e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException u && !command.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            String unknown = u.getUnmatched().get(0);
            List<String> suggestions = u.getSuggestions();
            message = "unknown command '" + unknown + "'" + (suggestions.isEmpty() ? "" : " (did you mean '" + suggestions.get(0) + "'?)")
                    + "; commands: " + String.join(", ", command.getSubcommands().keySet());
        }
        PrintWriter err = command.getErr();
        err.println("mailpipe: " + message + "; see '" + command.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return CliException.USAGE;
    }

    /** A failure: one line; the stack trace only with --verbose. */
    private static int failed(Exception e, CommandLine command, boolean verbose) {
        PrintWriter err = command.getErr();
        if (e instanceof CliException ce) {
            err.println("mailpipe: " + ce.getMessage());
            err.flush();
            return ce.exitCode();
        }
        err.println("mailpipe: " + command.getCommandName() + " failed: " + firstLine(String.valueOf(e.getMessage()))
                + " (" + e.getClass().getSimpleName() + (verbose ? "" : "; --verbose shows the details") + ")");
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return CliException.UNAVAILABLE;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("demo")) {
            // the demo prints outcomes itself; keep the worker's own log lines to warnings
            System.setProperty("mailpipe.log.format", "text");
            System.setProperty("mailpipe.log.level", "WARN");
            System.setProperty("mailpipe.log.libraryLevel", "OFF");
        }
        System.exit(commandLine().execute(args));
    }
}
