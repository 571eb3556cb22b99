package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SmtpSettingsTest {

    private static final String ACCOUNTS = "accounts: [{name: a, host: h, port: 25, security: none, from: a@h.example}]\n";

    @Test
    void defaults() {
        SmtpSettings smtp = MailpipeConfig.parse(ACCOUNTS, k -> null, "t.yaml").smtp();
        assertThat(smtp).isEqualTo(SmtpSettings.defaults());
        assertThat(smtp.pipelining()).isTrue();
        assertThat(smtp.sessionsPerAccount()).isEqualTo(8);
        assertThat(smtp.maxMessagesPerConnection()).isEqualTo(1000);
        assertThat(smtp.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fileAndEnvironment() {
        MailpipeConfig config = MailpipeConfig.parse(ACCOUNTS + "smtp: {client: Jakarta, sessionsPerAccount: 3, idleTimeout: PT5S}\n",
                Map.of("MAILPIPE_SMTP_MAX_MESSAGES_PER_CONNECTION", "50")::get, "t.yaml");
        assertThat(config.smtp()).isEqualTo(new SmtpSettings("jakarta", 3, 50, Duration.ofSeconds(5)));
        assertThat(config.smtp().pipelining()).isFalse();
        assertThat(config.withKafka(config.kafka()).smtp()).isEqualTo(config.smtp());
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> MailpipeConfig.parse(ACCOUNTS + "smtp: {client: netty}\n", k -> null, "t.yaml"))
                .hasMessageContaining("smtp.client must be pipelining or jakarta");
        assertThatThrownBy(() -> MailpipeConfig.parse(ACCOUNTS + "smtp: {sessionsPerAccount: 0}\n", k -> null, "t.yaml"))
                .hasMessageContaining("smtp.sessionsPerAccount");
        assertThatThrownBy(() -> MailpipeConfig.parse(ACCOUNTS + "smtp: {idleTimeout: PT0S}\n", k -> null, "t.yaml"))
                .hasMessageContaining("smtp.idleTimeout");
        assertThatThrownBy(() -> MailpipeConfig.parse(ACCOUNTS + "smtp: {pipelineing: true}\n", k -> null, "t.yaml"))
                .hasMessageContaining("pipelineing");
    }
}
