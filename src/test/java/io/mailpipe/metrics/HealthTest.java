package io.mailpipe.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.PrometheusText;

/** Readiness: started, Kafka reachable, and at least one account reachable; liveness from the worker. */
class HealthTest {

    @Test
    void readyOnlyWhenStartedKafkaAndOneAccount() {
        MailpipeMetrics metrics = MailpipeMetrics.create();
        Health health = new Health(metrics, List.of("a", "b"));
        assertThat(health.report().ready()).isFalse();
        health.kafkaReachable(true);
        health.accountReachable("b", true);
        assertThat(health.report().ready()).as("not started yet").isFalse();
        health.started(true);
        assertThat(health.report().ready()).isTrue();
        assertThat(health.report().accounts()).containsEntry("a", false).containsEntry("b", true);
        assertThat(PrometheusText.parse(metrics.scrape()).value("mailpipe_ready")).isEqualTo(1.0);

        health.accountReachable("b", false);
        assertThat(health.report().ready()).as("no account reachable").isFalse();
        health.accountReachable("a", true);
        assertThat(health.report().ready()).isTrue();
        health.kafkaReachable(false);
        assertThat(health.report().ready()).isFalse();
        assertThat(PrometheusText.parse(metrics.scrape()).value("mailpipe_ready")).isEqualTo(0.0);
        assertThat(PrometheusText.parse(metrics.scrape()).value("mailpipe_account_reachable", "account", "a")).isEqualTo(1.0);
    }

    @Test
    void notReadyBeforeTheFirstAssignmentNorWhileTheLedgerRestores() {
        Health health = new Health(MailpipeMetrics.create(), List.of("a"));
        health.kafkaReachable(true);
        health.accountReachable("a", true);
        health.started(true);
        java.util.concurrent.atomic.AtomicBoolean assigned = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<List<Integer>> restoring = new java.util.concurrent.atomic.AtomicReference<>(List.of());
        health.ledgerAssigned(assigned::get);
        health.restoringPartitions(restoring::get);
        assertThat(health.report().ready()).as("consumers not assigned yet").isFalse();
        assigned.set(true);
        restoring.set(List.of(0, 3));
        assertThat(health.report().ready()).as("partitions 0 and 3 restoring").isFalse();
        assertThat(health.report().restoringPartitions()).containsExactly(0, 3);
        restoring.set(List.of());
        assertThat(health.report().ready()).isTrue();
        assertThat(health.report().ledgerAssigned()).isTrue();
    }

    @Test
    void anOAuth2AccountWhoseTokenIsRefusedKeepsTheWorkerNotReadyAndSaysWhy() {
        Health health = new Health(MailpipeMetrics.create(), List.of("a", "o365"));
        health.kafkaReachable(true);
        health.accountReachable("a", true);
        health.started(true);
        assertThat(health.report().ready()).isTrue();
        health.loginError("o365", "the token endpoint https://login.example/token refused to issue a token: HTTP 401 invalid_client");
        assertThat(health.report().ready()).as("a configuration mistake, although account a works").isFalse();
        assertThat(health.report().loginErrors()).containsEntry("o365",
                "the token endpoint https://login.example/token refused to issue a token: HTTP 401 invalid_client");
        health.loginError("o365", null);
        assertThat(health.report().ready()).isTrue();
        assertThat(health.report().loginErrors()).isEmpty();
    }

    @Test
    void notLiveMeansNotReady() {
        Health health = new Health(MailpipeMetrics.create(), List.of("a"));
        health.kafkaReachable(true);
        health.accountReachable("a", true);
        health.started(true);
        health.livenessCheck(() -> false);
        assertThat(health.report().live()).isFalse();
        assertThat(health.report().ready()).isFalse();
        health.livenessCheck(() -> {
            throw new IllegalStateException("boom");
        });
        assertThat(health.report().live()).isFalse();
    }
}
