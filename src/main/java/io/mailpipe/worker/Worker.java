package io.mailpipe.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Session;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.account.Account;
import io.mailpipe.account.LocalQuotaSelector;
import io.mailpipe.account.Security;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.config.ConfigException;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.kafka.TopicAdmin;
import io.mailpipe.ledger.OutcomeTail;
import io.mailpipe.pipeline.DeliveryService;
import io.mailpipe.request.RequestReader;
import io.mailpipe.retry.RetryPolicy;
import io.mailpipe.smtp.AccountMailSender;

/**
 * One mailpipe worker: builds the pipeline's parts from the configuration, binds them as beans, and runs the
 * Camel routes of {@code routes/} (Camel Main, YAML DSL) until {@link #close()}.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    static {
        // jakarta.mail-api 2.1.x scans the classpath for a StreamProvider twice per message unless told which one
        // to use (jakartaee/mail-api #861); naming Angus' provider saves about a third of the CPU per message.
        System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }

    private final Main main;
    private final RecordPublisher publisher;
    private final OutcomeTail ledger;
    private final ShutdownSignal shutdown;
    private final Duration shutdownTimeout;
    /** The message composer; closing it stops following the templates topic. */
    private final MessageComposer composer;

    private Worker(Main main, RecordPublisher publisher, OutcomeTail ledger, ShutdownSignal shutdown, Duration shutdownTimeout,
                   MessageComposer composer) {
        this.composer = composer;
        this.main = main;
        this.publisher = publisher;
        this.ledger = ledger;
        this.shutdown = shutdown;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** Starts a worker; the configuration must name a Kafka broker. */
    public static Worker start(MailpipeConfig config) {
        if (config.kafka().useLocalBroker()) {
            throw new ConfigException("kafka.bootstrapServers is empty: start the local broker first or set KAFKA_BOOTSTRAP_SERVERS");
        }
        String bootstrap = config.kafka().bootstrapServers();
        if (config.kafka().createTopics()) {
            TopicAdmin.ensureTopics(config.kafka(), config.worker().maxRequestBytes());
        }
        Clock clock = Clock.systemUTC();
        RecordPublisher publisher = new RecordPublisher(bootstrap, Duration.ofSeconds(30),
                TopicAdmin.maxRecordBytes(config.worker().maxRequestBytes()));
        OutcomeTail ledger = null;
        MessageComposer composer = null;
        try {
            composer = config.compose().composer(clock, config.kafka());
            ledger = new OutcomeTail(bootstrap, config.kafka().topics().outcomes()).start(Duration.ofMinutes(2));
            ShutdownSignal shutdown = new ShutdownSignal();
            DeliveryService service = new DeliveryService(config.kafka().topics(),
                    new RequestReader(config.worker().maxRequestBytes()), composer,
                    Session.getInstance(new Properties()), config.accounts(),
                    new LocalQuotaSelector(config.accounts(), clock), new RetryPolicy(config.retry()), ledger.ledger(), clock);

            Main main = new Main();
            Map<String, String> endpoints = new HashMap<>();
            for (Account account : config.accounts()) {
                String bean = "mailpipe.sender." + account.name();
                main.bind(bean, new AccountMailSender(account));
                endpoints.put(account.name(), (account.security() == Security.SSL ? "smtps" : "smtp") + "://"
                        + account.host() + ":" + account.port() + "?javaMailSender=#" + bean);
            }
            main.bind("prepareDelivery", new PrepareDeliveryProcessor(service));
            main.bind("publishOutcome", new PublishOutcomeProcessor(service, publisher, shutdown));
            main.bind("awaitRetryTime", new RetryGateProcessor(clock, shutdown, config.retry().maxBackoff()));
            main.bind("errorPolicy", new ErrorPolicy(service, publisher, shutdown));
            main.setInitialProperties(properties(config));
            main.configure().withRoutesIncludePattern(config.worker().routes());
            main.configure().withName("mailpipe");
            main.configure().withJmxEnabled(false);
            main.configure().withShutdownTimeout((int) Math.max(1, config.worker().shutdownTimeout().toSeconds()));
            main.init();
            CamelContext context = main.getCamelContext();
            main.bind("sendMail", new SendMailProcessor(service, endpoints, context));
            main.start();
            LOG.info("mailpipe worker started: {} account(s), broker {}, consuming {}", config.accounts().size(), bootstrap,
                    config.kafka().topics().requests());
            return new Worker(main, publisher, ledger, shutdown, config.worker().shutdownTimeout(), composer);
        } catch (Exception e) {
            if (ledger != null) {
                ledger.close();
            }
            if (composer != null) {
                composer.close();
            }
            publisher.close();
            throw e instanceof RuntimeException re ? re : new IllegalStateException("Could not start the worker: " + e.getMessage(), e);
        }
    }

    static Properties properties(MailpipeConfig config) {
        Properties p = new Properties();
        var kafka = config.kafka();
        p.setProperty("camel.component.kafka.brokers", kafka.bootstrapServers());
        p.setProperty("camel.component.kafka.keyDeserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        p.setProperty("camel.component.kafka.valueDeserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        p.setProperty("mailpipe.topics.requests", kafka.topics().requests());
        p.setProperty("mailpipe.topics.retry", kafka.topics().retry());
        p.setProperty("mailpipe.kafka.groupId", kafka.groupId());
        p.setProperty("mailpipe.kafka.maxPollRecords", String.valueOf(kafka.maxPollRecords()));
        p.setProperty("mailpipe.kafka.consumers", String.valueOf(kafka.consumers()));
        p.setProperty("mailpipe.kafka.sessionTimeoutMs", String.valueOf(kafka.sessionTimeout().toMillis()));
        p.setProperty("mailpipe.kafka.heartbeatIntervalMs", String.valueOf(Math.max(1000, kafka.sessionTimeout().toMillis() / 3)));
        // a retry record may wait up to retry.maxBackoff before it is processed; keep the group from evicting us
        long retryPollInterval = config.retry().maxBackoff().plusMinutes(5).toMillis();
        p.setProperty("mailpipe.retry.maxPollIntervalMs", String.valueOf(retryPollInterval));
        return p;
    }

    /** Stops consuming, lets in-flight sends finish and their outcomes be committed, then releases everything. */
    @Override
    public void close() {
        LOG.info("mailpipe worker stopping (waiting up to {} s for in-flight sends)", shutdownTimeout.toSeconds());
        shutdown.fire();
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("Camel did not stop cleanly: {}", e.toString());
        } finally {
            ledger.close();
            publisher.close();
            composer.close();
        }
        LOG.info("mailpipe worker stopped");
    }
}
