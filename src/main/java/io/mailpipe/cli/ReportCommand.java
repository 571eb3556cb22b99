package io.mailpipe.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.status.CampaignReport;
import io.mailpipe.status.ReportHtml;
import io.mailpipe.status.ReportReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mailpipe report}: one campaign's outcomes, sends per hour, bounce reasons and refusing domains as one HTML file. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Write one self-contained HTML report of a campaign: "
        + "outcome breakdown, sends per hour by account, bounce and complaint reasons, the recipient domains that refused most.")
final class ReportCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--campaign", required = true, paramLabel = "NAME", description = "The campaign (the requests' campaign field).")
    String campaign;

    @Option(names = "--from", paramLabel = "TIME", converter = TimeArg.InstantConverter.class,
            description = "From this time (2026-11-28T10:00:00Z, 2026-11-28 or an age such as 7d; default: the oldest outcome kept).")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = TimeArg.InstantConverter.class, description = "Up to this time (default: now).")
    Instant to;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "report.html", description = "The HTML file to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new CliException(CliException.USAGE, "--from must be before --to");
        }
        CliContext cli = CliContext.of(spec);
        KafkaSettings kafka = cli.kafka();
        cli.connect(kafka);
        CampaignReport report;
        try {
            report = new ReportReader(kafka, cli.kafkaTimeout()).read(campaign, from, to);
        } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
            throw new CliException(CliException.UNAVAILABLE, "cannot read campaign " + campaign + ": " + e.getMessage());
        }
        try {
            Files.writeString(out, ReportHtml.render(report, Instant.now()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot write " + out + ": " + e.getMessage());
        }
        cli.out().println("wrote " + out + ": campaign " + campaign + ", " + report.outcomes().requests() + " request(s)");
        cli.out().flush();
        return 0;
    }
}
