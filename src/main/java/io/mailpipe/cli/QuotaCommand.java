package io.mailpipe.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.quota.KafkaQuotaLedger;
import io.mailpipe.quota.QuotaReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mailpipe quota}: reads the quota ledger and prints each account's use of its limits across the cluster. */
@Command(name = "quota", mixinStandardHelpOptions = true, description = "Show, per account, sends used/limit in the hour and the day, open sessions, and"
        + " when the next send is allowed (read from the cluster's quota ledger; writes nothing).")
final class QuotaCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Override
    public Integer call() {
        CliContext cli = CliContext.of(spec);
        MailpipeConfig cfg = cli.config("the accounts and their limits are configured there");
        cli.connect(cli.kafka());
        var q = cfg.quota();
        try (KafkaQuotaLedger ledger = KafkaQuotaLedger.forAccounts(cfg, "mailpipe-quota-command", Clock.systemUTC())) {
            ledger.start(Duration.ofSeconds(60));
            Instant now = Instant.now();
            String table = ledger.read(b -> QuotaReport.format(QuotaReport.rows(b, cfg.accounts(), now, q.leaseTtl()), now));
            cli.out().print(table);
            cli.out().flush();
            return 0;
        } catch (RuntimeException e) {
            throw new CliException(CliException.UNAVAILABLE, "cannot read the quota ledger " + cfg.kafka().topics().quota() + ": " + e.getMessage());
        }
    }
}
