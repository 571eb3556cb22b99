package io.mailpipe.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.status.StatusReader;
import io.mailpipe.status.StatusSnapshot;
import io.mailpipe.status.StatusText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mailpipe status}: per account, limits, use, next free slot, health and send rate; the backlog with its finish
 * estimate; per campaign, outcomes, bounces and complaints. Refreshes in place on a terminal; once otherwise.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Show accounts (limits, use, next free slot, health, sends per minute), the backlog and when it will be out, and"
                + " per campaign the outcomes, bounces and complaints. Reads Kafka only; writes nothing.",
        "On a terminal it refreshes in place until Ctrl-C; --once prints one snapshot, --json one JSON object."})
final class StatusCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--once", description = "Print one snapshot and exit (also what happens when the output is no terminal).")
    boolean once;

    @Option(names = "--json", description = "Print one snapshot as JSON and exit.")
    boolean json;

    @Option(names = "--since", paramLabel = "TIME", converter = TimeArg.InstantConverter.class, defaultValue = "24h",
            description = "Campaigns from this time on (2026-11-28T10:00:00Z, 2026-11-28 or an age such as 24h; default: ${DEFAULT-VALUE}).")
    Instant since;

    @Option(names = "--until", paramLabel = "TIME", converter = TimeArg.InstantConverter.class, description = "Campaigns up to this time (default: now).")
    Instant until;

    @Option(names = "--interval", paramLabel = "DURATION", converter = TimeArg.DurationConverter.class, defaultValue = "5s",
            description = "Refresh every this long on a terminal (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Override
    public Integer call() throws InterruptedException {
        CliContext cli = CliContext.of(spec);
        MailpipeConfig cfg = cli.config("status needs the accounts and their limits");
        cli.connect(cfg.kafka());
        StatusReader reader = new StatusReader(cfg, cli.kafkaTimeout());
        if (json) {
            cli.out().println(json(read(reader)));
            cli.out().flush();
            return 0;
        }
        boolean refresh = !once && System.console() != null;
        do {
            String text = StatusText.render(read(reader));
            if (refresh) {
                cli.out().print("\033[H\033[2J"); // home, clear screen: the snapshot replaces the last one in place
            }
            cli.out().print(text);
            cli.out().flush();
            if (refresh) {
                Thread.sleep(interval.toMillis());
            }
        } while (refresh);
        return 0;
    }

    private StatusSnapshot read(StatusReader reader) {
        if (until != null && !since.isBefore(until)) {
            throw new CliException(CliException.USAGE, "--since must be before --until");
        }
        try {
            return reader.read(Instant.now(), since, until);
        } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
            throw new CliException(CliException.UNAVAILABLE, "cannot read the status: " + e.getMessage());
        }
    }

    static String json(StatusSnapshot snapshot) {
        try {
            return new ObjectMapper().registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(snapshot);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
