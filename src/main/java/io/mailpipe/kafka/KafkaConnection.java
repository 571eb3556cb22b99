package io.mailpipe.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every Kafka client of mailpipe connects: the broker list plus the client settings of {@code kafka.properties}
 * (security.protocol, sasl.*, ssl.*: SASL_SSL, SCRAM, mTLS, ...). Every producer, consumer and admin client starts
 * from {@link #clientProperties()}, so a setting given once reaches all of them.
 *
 * @param bootstrapServers broker list
 * @param properties       further Kafka client settings, passed through unchanged (never logged: {@link #toString()}
 *                         shows the keys only)
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> properties) {

    /** Settings mailpipe sets itself per client; {@code kafka.properties} may not hold them. */
    public static final List<String> RESERVED = List.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            CommonClientConfigs.GROUP_ID_CONFIG, "key.serializer", "value.serializer", "key.deserializer", "value.deserializer");

    /**
     * The client settings that can also be given as environment variables, {@code MAILPIPE_KAFKA_PROPERTIES_} plus the
     * key in upper case with {@code _} for {@code .} (e.g. {@code MAILPIPE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG}). Others
     * go in the file ({@code kafka.properties}, where values can be {@code ${VARIABLE}} references).
     */
    public static final List<String> ENVIRONMENT_KEYS = List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config",
            "sasl.client.callback.handler.class", "sasl.login.callback.handler.class", "sasl.oauthbearer.token.endpoint.url",
            "sasl.kerberos.service.name", "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type",
            "ssl.truststore.certificates", "ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type",
            "ssl.key.password", "ssl.keystore.certificate.chain", "ssl.keystore.key", "ssl.endpoint.identification.algorithm",
            "ssl.protocol", "ssl.enabled.protocols", "client.dns.lookup");

    public KafkaConnection {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** A connection with no settings beyond the broker list (the local broker, tests). */
    public static KafkaConnection of(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /** A new, mutable map: {@code bootstrap.servers} and every configured client setting; add per-client settings to it. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new HashMap<>(properties);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /** The same as {@link #clientProperties()}, as {@link java.util.Properties}. */
    public java.util.Properties asProperties() {
        java.util.Properties p = new java.util.Properties();
        p.putAll(clientProperties());
        return p;
    }

    /** Whether a client setting's value is a secret (a password, a JAAS configuration, a key): never shown. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.endsWith(".key")
                || k.contains("token") || k.contains("credential");
    }

    /** Values of secret settings masked: for logs and error messages. */
    public static Map<String, String> masked(Map<String, String> properties) {
        Map<String, String> out = new TreeMap<>();
        properties.forEach((k, v) -> out.put(k, isSecret(k) ? "****" : v));
        return out;
    }

    @Override
    public String toString() {
        return "KafkaConnection[" + bootstrapServers + " " + masked(properties) + "]";
    }
}
