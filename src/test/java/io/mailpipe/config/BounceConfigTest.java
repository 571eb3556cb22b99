package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The {@code bounces:} and {@code suppression:} sections: defaults, checks naming place and field, env overrides. */
class BounceConfigTest {

    private static final String ACCOUNT = """
            accounts:
              - {name: a, host: smtp.example.org, from: a@example.org}
            """;

    private static MailpipeConfig parse(String yaml, Map<String, String> env) {
        return MailpipeConfig.parse(ACCOUNT + yaml, env::get, "test.yaml");
    }

    private static MailpipeConfig parse(String yaml) {
        return parse(yaml, Map.of("BOUNCE_PW", "pw"));
    }

    @Test
    void defaults() {
        MailpipeConfig c = parse("");
        assertThat(c.bounces()).isEmpty();
        assertThat(c.suppression().enabled()).isTrue();
        assertThat(c.suppression().softBounceRule()).isNull();
        assertThat(c.kafka().topics().bounces()).isEqualTo("mail.bounces");
        assertThat(c.kafka().topics().bouncesUnparsed()).isEqualTo("mail.bounces.unparsed");
        assertThat(c.kafka().topics().suppressions()).isEqualTo("mail.suppressions");
    }

    @Test
    void aMailboxWithItsDefaults() {
        MailpipeConfig c = parse("""
                bounces:
                  - name: main
                    host: imap.example.org
                    username: bounces@example.org
                    password: ${BOUNCE_PW}
                suppression:
                  softBounceRule: {count: 3, within: P7D}
                """);
        BounceMailbox m = c.bounces().get(0);
        assertThat(m.protocol()).isEqualTo("imaps");
        assertThat(m.tls()).isTrue();
        assertThat(m.port()).isEqualTo(993);
        assertThat(m.password()).isEqualTo("pw");
        assertThat(m.folder()).isEqualTo("INBOX");
        assertThat(m.processedFolder()).isEqualTo("mailpipe-processed");
        assertThat(m.unparsedFolder()).isEqualTo("mailpipe-unparsed");
        assertThat(m.pollInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(m.toString()).doesNotContain("pw,").contains("****");
        assertThat(c.suppression().softBounceRule().count()).isEqualTo(3);
        assertThat(c.suppression().softBounceRule().within()).isEqualTo(Duration.ofDays(7));
        assertThat(parse("bounces: [{name: p, protocol: imap, host: h, username: u, password: x}]").bounces().get(0).port())
                .isEqualTo(143);
    }

    @Test
    void mistakesNameThePlaceAndTheField() {
        assertThatThrownBy(() -> parse("bounces: [{name: m, host: h, username: u}]"))
                .hasMessageContaining("bounces[0] (m): field 'password' is required");
        assertThatThrownBy(() -> parse("bounces: [{name: m, protocol: pop3, host: h, username: u, password: x}]"))
                .hasMessageContaining("bounces[0] (m): field 'protocol' must be imap or imaps");
        assertThatThrownBy(() -> parse("bounces: [{name: m, host: h, username: u, password: x}, {name: m, host: h, username: u, password: x}]"))
                .hasMessageContaining("bounces[1] (m): field 'name': another mailbox already has this name");
        assertThatThrownBy(() -> parse("bounces: [{name: m, host: h, username: u, password: x, processedFolder: INBOX}]"))
                .hasMessageContaining("must differ from 'folder'");
        assertThatThrownBy(() -> parse("bounces: [{name: m, host: h, username: u, password: x, pollInterval: PT0.1S}]"))
                .hasMessageContaining("field 'pollInterval' must be at least PT1S");
        assertThatThrownBy(() -> parse("bounces: [{name: m, host: h, username: u, password: x, folderr: X}]"))
                .hasMessageContaining("unknown key 'folderr'");
        assertThatThrownBy(() -> parse("suppression: {softBounceRule: {count: 3}}"))
                .hasMessageContaining("suppression.softBounceRule: give both 'count' and 'within'");
        assertThatThrownBy(() -> parse("suppression: {enable: false}"))
                .hasMessageContaining("unknown key 'enable'");
        assertThatThrownBy(() -> parse("bounces: [{name: m, host: h, username: u, password: '${NOPE}'}]", Map.of()))
                .hasMessageContaining("bounces[0].password refers to environment variable NOPE");
    }

    @Test
    void environmentOverrides() {
        MailpipeConfig c = parse("bounces: [{name: m, host: h, username: u, password: x}]",
                Map.of("MAILPIPE_BOUNCES_0_POLL_INTERVAL", "PT5S", "MAILPIPE_SUPPRESSION_ENABLED", "false",
                        "MAILPIPE_KAFKA_TOPICS_SUPPRESSIONS", "x.suppressions"));
        assertThat(c.bounces().get(0).pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.suppression().enabled()).isFalse();
        assertThat(c.kafka().topics().suppressions()).isEqualTo("x.suppressions");
    }

    @Test
    void theWithersKeepTheNewSections() {
        MailpipeConfig c = parse("bounces: [{name: m, host: h, username: u, password: x}]\nsuppression: {enabled: false}");
        MailpipeConfig changed = c.withRetry(RetrySettings.defaults()).withWorker(WorkerSettings.defaults()).withKafka(c.kafka())
                .withAccounts(c.accounts());
        assertThat(changed.bounces()).isEqualTo(c.bounces());
        assertThat(changed.suppression().enabled()).isFalse();
    }
}
