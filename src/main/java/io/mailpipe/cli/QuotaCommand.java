package io.mailpipe.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

import io.mailpipe.config.ConfigException;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.quota.KafkaQuotaLedger;
import io.mailpipe.quota.QuotaReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mailpipe quota}: reads the quota ledger and prints each account's use of its limits across the cluster. */
@Command(name = "quota", description = "Show, per account, sends used/limit in the hour and the day, open sessions, and"
        + " when the next send is allowed (read from the cluster's quota ledger; writes nothing).")
final class QuotaCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, description = "Configuration file (default: mailpipe.yaml).", defaultValue = "mailpipe.yaml")
    Path config;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        java.io.PrintWriter err = spec.commandLine().getErr();
        MailpipeConfig cfg;
        try {
            cfg = MailpipeConfig.load(config);
        } catch (ConfigException e) {
            err.println("mailpipe: " + e.getMessage());
            return 2;
        }
        if (cfg.kafka().bootstrapServers().isBlank()) {
            err.println("mailpipe: no broker: set kafka.bootstrapServers or KAFKA_BOOTSTRAP_SERVERS");
            return 2;
        }
        var q = cfg.quota();
        try (KafkaQuotaLedger ledger = KafkaQuotaLedger.forAccounts(cfg, "mailpipe-quota-command", Clock.systemUTC())) {
            ledger.start(Duration.ofSeconds(60));
            Instant now = Instant.now();
            String table = ledger.read(b -> QuotaReport.format(QuotaReport.rows(b, cfg.accounts(), now, q.leaseTtl()), now));
            out.print(table);
            out.flush();
            return 0;
        } catch (RuntimeException e) {
            err.println("mailpipe: cannot read the quota ledger " + cfg.kafka().topics().quota() + ": " + e.getMessage());
            return 1;
        }
    }
}
