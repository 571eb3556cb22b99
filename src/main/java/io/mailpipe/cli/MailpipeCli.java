package io.mailpipe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mailpipe} command line: {@code run}, {@code demo}, {@code publish}, {@code quota}, {@code parse-bounce}, {@code suppression}, {@code replay}. */
@Command(name = "mailpipe", mixinStandardHelpOptions = true, version = "mailpipe 0.1.0",
        description = "Headless mailing pipeline: send requests from Kafka through quota-aware SMTP accounts.",
        subcommands = {RunCommand.class, DemoCommand.class, PublishCommand.class, QuotaCommand.class,
                ParseBounceCommand.class, SuppressionCommand.class, ReplayCommand.class})
public final class MailpipeCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("demo")) {
            // the demo prints outcomes itself; keep the worker's own log lines to warnings
            System.setProperty("mailpipe.log.format", "text");
            System.setProperty("mailpipe.log.level", "WARN");
            System.setProperty("mailpipe.log.libraryLevel", "OFF");
        }
        System.exit(new CommandLine(new MailpipeCli()).execute(args));
    }
}
