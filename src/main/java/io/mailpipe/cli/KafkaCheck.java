package io.mailpipe.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

import io.mailpipe.kafka.KafkaConnection;

/**
 * Asks the brokers for their cluster id before a command does anything else, so that a broker that is down, a wrong
 * address or refused credentials end the command within the Kafka timeout with one line that names the brokers and
 * what to check, instead of a minute of retries, warnings and a stack trace.
 */
final class KafkaCheck {

    private KafkaCheck() {
    }

    /**
     * @throws CliException naming the brokers and what to check, when they do not answer within {@code timeout}
     */
    static void reachable(KafkaConnection connection, Duration timeout) {
        try (CliLogging quiet = CliLogging.kafkaSilent()) {
            check(connection, timeout);
        }
    }

    private static void check(KafkaConnection connection, Duration timeout) {
        String servers = connection.bootstrapServers();
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> props = connection.clientProperties();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "mailpipe-cli-check");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (long) Math.min(ms, 10_000));
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, (long) Math.min(ms, 10_000));
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            throw new CliException(CliException.USAGE, "cannot use the Kafka brokers '" + servers + "': " + rootMessage(e)
                    + "; check --bootstrap-servers, kafka.bootstrapServers or KAFKA_BOOTSTRAP_SERVERS (host:port,...) and kafka.properties");
        }
        try {
            admin.describeCluster().clusterId().get(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.UNAVAILABLE, "interrupted while connecting to Kafka at " + servers);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
                throw new CliException(CliException.UNAVAILABLE, "Kafka at " + servers + " refused this client ("
                        + cause.getClass().getSimpleName() + "): check the security settings in kafka.properties");
            }
            throw unreachable(servers, timeout);
        } catch (TimeoutException e) {
            throw unreachable(servers, timeout);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static CliException unreachable(String servers, Duration timeout) {
        return new CliException(CliException.UNAVAILABLE, "Kafka did not answer at " + servers + " within " + seconds(timeout)
                + ": check that the brokers run and are reachable from here (the address comes from --bootstrap-servers, "
                + "kafka.bootstrapServers or KAFKA_BOOTSTRAP_SERVERS) and that kafka.properties match their listeners; "
                + "--kafka-timeout waits longer");
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
