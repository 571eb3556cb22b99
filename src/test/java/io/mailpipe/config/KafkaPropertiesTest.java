package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailpipe.kafka.KafkaConnection;

/** {@code kafka.properties}: client security settings from the file and the environment, secrets never shown. */
class KafkaPropertiesTest {

    static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"m\" password=\"S3CRET-jaas\";";

    private static MailpipeConfig parse(String yaml, Map<String, String> env) {
        return MailpipeConfig.parse(yaml + "\naccounts: [{name: a, host: h, from: a@x.example}]", env::get, "test.yaml");
    }

    @Test
    void fileSettingsReachEveryClientsProperties() {
        KafkaSettings kafka = parse("kafka: {bootstrapServers: 'k:9092', properties: {security.protocol: SASL_SSL,"
                + " sasl.mechanism: SCRAM-SHA-512, sasl.jaas.config: '${JAAS}', ssl.truststore.location: /etc/ca.p12}}",
                Map.of("JAAS", JAAS)).kafka();
        Map<String, Object> client = kafka.connection().clientProperties();
        assertThat(client).containsEntry("bootstrap.servers", "k:9092").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.truststore.location", "/etc/ca.p12");
        assertThat(kafka.toString() + kafka.connection()).doesNotContain("S3CRET").contains("sasl.jaas.config=****")
                .contains("security.protocol=SASL_SSL");
    }

    @Test
    void environmentVariablesSetKnownClientSettings() {
        KafkaSettings kafka = parse("kafka: {bootstrapServers: 'k:9092', properties: {sasl.mechanism: PLAIN}}",
                Map.of("MAILPIPE_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
                        "MAILPIPE_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-256",
                        "MAILPIPE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", JAAS,
                        "MAILPIPE_KAFKA_PROPERTIES_SSL_KEYSTORE_LOCATION", "/etc/client.p12")).kafka();
        assertThat(kafka.properties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256").containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.keystore.location", "/etc/client.p12");
        assertThat(EnvOverrides.names(1)).contains("MAILPIPE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG");
        assertThat(parse("kafka: {bootstrapServers: 'k:9092'}", Map.of("MAILPIPE_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SSL"))
                .kafka().properties()).containsExactly(Map.entry("security.protocol", "SSL"));
    }

    @Test
    void settingsMailpipeMakesItselfAreRefused() {
        assertThatThrownBy(() -> parse("kafka: {properties: {bootstrap.servers: x}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("use kafka.bootstrapServers");
        assertThatThrownBy(() -> parse("kafka: {properties: {group.id: x}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("use kafka.groupId");
    }

    @Test
    void secretKeysAreRecognised() {
        for (String key : new String[] {"sasl.jaas.config", "ssl.keystore.password", "ssl.key.password", "ssl.truststore.password",
                "ssl.keystore.key", "sasl.oauthbearer.client.credentials.client.secret"}) {
            assertThat(KafkaConnection.isSecret(key)).as(key).isTrue();
        }
        assertThat(KafkaConnection.isSecret("security.protocol")).isFalse();
        assertThat(KafkaConnection.isSecret("ssl.truststore.location")).isFalse();
    }
}
