package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** MAILPIPE_<KEY> environment variables override single keys of the file. */
class EnvOverridesTest {

    private static final String YAML = """
            kafka:
              groupId: from-file
            accounts:
              - name: shop
                host: mx.example
                from: shop@x.example
                limits: {perHour: 10}
              - name: other
                host: mx2.example
                from: other@x.example
            """;

    private static MailpipeConfig parse(Map<String, String> env) {
        return MailpipeConfig.parse(YAML, env::get, "test.yaml");
    }

    @Test
    void namesFollowTheKeyPath() {
        assertThat(EnvOverrides.envName("groupId")).isEqualTo("GROUP_ID");
        assertThat(EnvOverrides.envName("maxRequestBytes")).isEqualTo("MAX_REQUEST_BYTES");
        assertThat(EnvOverrides.names(1)).contains("MAILPIPE_KAFKA_GROUP_ID", "MAILPIPE_KAFKA_TOPICS_REQUESTS",
                "MAILPIPE_WORKER_SHUTDOWN_TIMEOUT", "MAILPIPE_RETRY_MAX_ATTEMPTS", "MAILPIPE_ACCOUNTS_0_PASSWORD",
                "MAILPIPE_ACCOUNTS_0_LIMITS_PER_HOUR").doesNotContain("MAILPIPE_ACCOUNTS_1_PASSWORD");
    }

    @Test
    void overridesWinOverTheFileAndFillKeysItLeftOut() {
        MailpipeConfig config = parse(Map.of(
                "MAILPIPE_KAFKA_GROUP_ID", "from-env",
                "MAILPIPE_KAFKA_TOPICS_REQUESTS", "team.requests",
                "MAILPIPE_RETRY_MAX_ATTEMPTS", "3",
                "MAILPIPE_WORKER_SHUTDOWN_TIMEOUT", "PT45S",
                "MAILPIPE_ACCOUNTS_0_LIMITS_PER_HOUR", "25",
                "MAILPIPE_ACCOUNTS_1_USERNAME", "other",
                "MAILPIPE_ACCOUNTS_1_PASSWORD", "pa55#with: yaml [chars]"));
        assertThat(config.kafka().groupId()).isEqualTo("from-env");
        assertThat(config.kafka().topics().requests()).isEqualTo("team.requests");
        assertThat(config.kafka().topics().outcomes()).isEqualTo("mail.outcomes");
        assertThat(config.retry().maxAttempts()).isEqualTo(3);
        assertThat(config.worker().shutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.accounts().get(0).limits().perHour()).isEqualTo(25);
        assertThat(config.accounts().get(1).password()).isEqualTo("pa55#with: yaml [chars]");
    }

    @Test
    void kubernetesServiceVariablesAndMailpipesOwnAreNotConfiguration() {
        MailpipeConfig config = MailpipeConfig.parse(YAML, Map.of("MAILPIPE_PORT", "tcp://10.0.0.1:80", "MAILPIPE_SERVICE_HOST",
                "10.0.0.1", "MAILPIPE_SERVICE_PORT_MANAGEMENT", "8081", "MAILPIPE_PORT_8081_TCP_ADDR", "10.0.0.1",
                "MAILPIPE_KAFKA_SERVICE_HOST", "10.0.0.2", "MAILPIPE_LOG_FORMAT", "text", "MAILPIPE_JAVA_OPTS", "-Xmx1g",
                "SHOP_PASSWORD", "pw", "RELAY_PASSWORD", "pw"), "m.yaml");
        assertThat(config.kafka().groupId()).isEqualTo("from-file");
        assertThat(config.accounts()).hasSize(2);
    }

    @Test
    void aVariableThatNamesNoKeyIsAnErrorWithASuggestion() {
        assertThatThrownBy(() -> MailpipeConfig.parse(YAML, Map.of("MAILPIPE_RETRY_MAX_ATEMPTS", "3", "SHOP_PASSWORD", "pw",
                "RELAY_PASSWORD", "pw"), "m.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("environment variable MAILPIPE_RETRY_MAX_ATEMPTS names no configuration key (did you mean MAILPIPE_RETRY_MAX_ATTEMPTS?)");
        assertThatThrownBy(() -> MailpipeConfig.parse(YAML, Map.of("MAILPIPE_ACCOUNTS_5_PASSWORD", "x", "SHOP_PASSWORD", "pw",
                "RELAY_PASSWORD", "pw"), "m.yaml"))
                .hasMessageStartingWith("environment variable MAILPIPE_ACCOUNTS_5_PASSWORD names no configuration key");
    }

    @Test
    void aBadOverrideValueIsReportedAgainstItsVariable() {
        assertThatThrownBy(() -> MailpipeConfig.parse(YAML, Map.of("MAILPIPE_RETRY_MAX_ATTEMPTS", "many-s3cret",
                "MAILPIPE_KAFKA_GROUP_ID", "fine", "SHOP_PASSWORD", "pw", "RELAY_PASSWORD", "pw"), "m.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("environment variable MAILPIPE_RETRY_MAX_ATTEMPTS: invalid value at retry.maxAttempts")
                .hasMessageNotContaining("many-s3cret").hasMessageNotContaining("m.yaml");
    }

    @Test
    void aBadOverrideValueFailsNamingTheKeyButNotTheValue() {
        assertThatThrownBy(() -> parse(Map.of("MAILPIPE_RETRY_MAX_ATTEMPTS", "many-s3cret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retry.maxAttempts")
                .hasMessageNotContaining("many-s3cret");
    }
}
