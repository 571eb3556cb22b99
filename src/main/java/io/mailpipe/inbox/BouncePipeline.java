package io.mailpipe.inbox;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import jakarta.mail.PasswordAuthentication;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.mail.MailAuthenticator;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.bounce.BounceParser;
import io.mailpipe.config.BounceMailbox;
import io.mailpipe.config.ConfigException;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.kafka.TopicAdmin;
import io.mailpipe.kafka.TopicFollower;
import io.mailpipe.oauth.AccessToken;
import io.mailpipe.oauth.AccessTokens;
import io.mailpipe.oauth.TokenException;
import io.mailpipe.smtp.TlsTrust;
import io.mailpipe.suppression.SuppressionList;
import io.mailpipe.suppression.SuppressionPolicy;
import io.mailpipe.suppression.SuppressionState;

/**
 * The bounce side of a worker (issue 4): the suppression list the send path consults, and one IMAP route per
 * configured bounce mailbox. Every worker reads the suppression list from {@code mail.suppressions} at start-up and
 * follows it. The routes are added from the route template {@value #TEMPLATE_ID} of routes/bounce-pipeline.yaml, but
 * only the worker elected by {@link PollerLeadership} polls, and only that worker holds the views a report is decided
 * on ({@link BounceViews}: the Message-ID index from {@code mail.outcomes}, the published event ids from
 * {@code mail.bounces} and {@code mail.bounces.unparsed}): read on election before polling starts, dropped on
 * deposition ({@link ElectedViews}).
 */
public final class BouncePipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BouncePipeline.class);
    /** Route template id in routes/bounce-pipeline.yaml. */
    public static final String TEMPLATE_ID = "bounce-mailbox";
    private static final Duration START_WAIT = Duration.ofMinutes(2);
    /** After bounce views could not be read on election: wait this long, doubled per failure up to VIEWS_MAX_BACKOFF. */
    private static final Duration VIEWS_FIRST_BACKOFF = Duration.ofSeconds(5);
    private static final Duration VIEWS_MAX_BACKOFF = Duration.ofMinutes(2);
    /** Raw messages above this are cut on mail.bounces.unparsed (base64 makes them a third larger). */
    private static final int MAX_RAW_BYTES = 16 * 1024 * 1024;
    /** Room in an unparsed record for its JSON fields around the base64 of the raw bytes. */
    private static final long UNPARSED_OVERHEAD = 64 * 1024;

    private final MailpipeConfig config;
    private final SuppressionState suppressions = new SuppressionState();
    private final List<TopicFollower> followers = new ArrayList<>();
    private PollerLeadership leadership;
    /** The views of the elected poller; null until the routes are added. */
    private ElectedViews<BounceViews> views;

    private BouncePipeline(MailpipeConfig config) {
        this.config = config;
    }

    /**
     * Creates the topics when allowed, and reads the suppression list up to the end of its topic. The bounce views are
     * read later, when this worker is elected to poll the mailboxes ({@link #addRoutes}).
     */
    public static BouncePipeline start(MailpipeConfig config) {
        BouncePipeline p = new BouncePipeline(config);
        KafkaSettings kafka = config.kafka();
        KafkaSettings.Topics t = kafka.topics();
        boolean suppression = config.suppression().enabled();
        boolean bounces = !config.bounces().isEmpty();
        if (kafka.createTopics()) {
            ensureTopics(kafka, TopicAdmin.maxRecordBytes(config.worker().maxRequestBytes()), bounces, suppression);
        }
        try {
            if (suppression) {
                p.followers.add(new TopicFollower("suppressions", kafka.connection(), List.of(t.suppressions()),
                        p.suppressions::apply).start(START_WAIT));
                LOG.info("Suppression list read {}: {} address(es) suppressed", t.suppressions(), p.suppressions.size());
            }
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** What DeliveryService consults: the live list, or {@link SuppressionList#NONE} when suppression is disabled. */
    public SuppressionList suppressionList() {
        return config.suppression().enabled() ? suppressions : SuppressionList.NONE;
    }

    /**
     * Adds one route per bounce mailbox to the started Camel context, stopped, and joins the election of the poller:
     * once elected, this worker reads the bounce views and then starts the routes.
     */
    public void addRoutes(CamelContext context, RecordPublisher publisher,
                          java.util.function.Consumer<BounceEvent> counted) throws Exception {
        if (config.bounces().isEmpty()) {
            return;
        }
        if (((org.apache.camel.model.ModelCamelContext) context).getRouteTemplateDefinition(TEMPLATE_ID) == null) {
            throw new ConfigException("bounces: " + config.bounces().size() + " mailbox(es) configured, but no route template '"
                    + TEMPLATE_ID + "' is loaded: add classpath:routes/bounce-pipeline.yaml (or your copy) to worker.routes");
        }
        BounceParser parser = new BounceParser();
        SuppressionPolicy policy = new SuppressionPolicy(config.suppression());
        int maxRawBytes = maxRawBytes(TopicAdmin.maxRecordBytes(config.worker().maxRequestBytes()));
        List<String> routes = config.bounces().stream().map(m -> "bounces-" + m.name()).toList();
        views = new ElectedViews<>(() -> BounceViews.read(config, START_WAIT),
                () -> routes.forEach(id -> control(context, id, true)), () -> stopRoutes(context, routes),
                VIEWS_FIRST_BACKOFF, VIEWS_MAX_BACKOFF);
        for (BounceMailbox m : config.bounces()) {
            BounceMailProcessor.CaughtUpIntake intakes = timeout -> {
                BounceViews v = views.current();
                if (v == null) {
                    throw new IllegalStateException("this worker holds no bounce views (it is not the elected poller)");
                }
                v.awaitCaughtUp(timeout);
                return new BounceIntake(m.name(), config.kafka().topics(), parser, v.index(), v.history(), suppressions,
                        policy, maxRawBytes);
            };
            String prefix = "mailpipe.bounces." + m.name();
            BounceMailProcessor processor = new BounceMailProcessor(m, intakes, publisher::publish, Clock.systemUTC(), counted);
            context.getRegistry().bind(prefix + ".processor", processor);
            Login login = new Login(m);
            context.getRegistry().bind(prefix + ".login", login);
            context.getRegistry().bind(prefix + ".properties", mailProperties(m));
            context.getRegistry().bind(prefix + ".pollStrategy", new MailboxPollBackoff(m.name(), m.pollInterval(),
                    Clock.systemUTC(), login::renewAfterRefusal, processor.progress()::newPoll));
            context.getRegistry().bind(prefix + ".progress", processor.progress());
            context.getRegistry().bind(prefix + ".errors", processor.consumerErrors());
            TemplatedRouteBuilder.builder(context, TEMPLATE_ID)
                    .routeId("bounces-" + m.name())
                    .parameter("protocol", m.protocol())
                    .parameter("host", m.host())
                    .parameter("port", String.valueOf(m.port()))
                    .parameter("folder", m.folder())
                    .parameter("pollMillis", String.valueOf(m.pollInterval().toMillis()))
                    .parameter("processor", prefix + ".processor")
                    .parameter("login", prefix + ".login")
                    .parameter("mailProperties", prefix + ".properties")
                    .parameter("pollStrategy", prefix + ".pollStrategy")
                    .parameter("progress", prefix + ".progress")
                    .parameter("errors", prefix + ".errors")
                    // an OAuth2 login lasts as long as its token: log in afresh (with the current token) for each poll
                    .parameter("disconnect", String.valueOf(m.oauth2() != null))
                    .add();
            // added started (its first poll waits a second): it polls only while this worker is elected
            context.getRouteController().stopRoute("bounces-" + m.name());
            LOG.info("Bounce mailbox {} is polled every {} s by the elected worker", m, m.pollInterval().toSeconds());
        }
        leadership = new PollerLeadership(config.kafka().connection(), config.kafka().topics().quota(),
                config.kafka().groupId() + ".bounce-poller", config.kafka().sessionTimeout(), views::elected, views::deposed)
                .start();
    }

    /** Stops every route, also when one of them will not stop (the first failure is thrown after the others). */
    private static void stopRoutes(CamelContext context, List<String> routes) {
        RuntimeException first = null;
        for (String id : routes) {
            try {
                control(context, id, false);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void control(CamelContext context, String routeId, boolean start) {
        try {
            if (start) {
                context.getRouteController().startRoute(routeId);
            } else {
                context.getRouteController().stopRoute(routeId, 30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("route " + routeId + ": " + e.getMessage(), e);
        }
    }

    /**
     * The most raw bytes an unparsed record carries: 16 MiB, or less when the records this worker may write are
     * smaller ({@code worker.maxRequestBytes}): base64 makes them a third larger, and a record Kafka refuses would keep
     * the message in the mailbox for ever.
     */
    static int maxRawBytes(long maxRecordBytes) {
        long fits = (maxRecordBytes - UNPARSED_OVERHEAD) / 4 * 3;
        return (int) Math.max(0, Math.min(MAX_RAW_BYTES, fits));
    }

    /** Whether this worker is the one that polls the bounce mailboxes: elected, with its views read (false without mailboxes). */
    public boolean pollsMailboxes() {
        return leadership != null && leadership.isLeader() && viewsLoaded();
    }

    /**
     * Whether this worker holds the bounce views (Message-ID index and bounce history) now: only while it is the
     * elected poller, from the moment they are read to its deposition.
     */
    public boolean viewsLoaded() {
        return views != null && views.current() != null;
    }

    /**
     * TLS: certificates checked by {@link TlsTrust} (default trust or the mailbox's trustedCertificate), host names
     * verified; plain {@code imap} requires STARTTLS unless the mailbox allows plaintext login. Connect and read
     * time-outs keep a hanging server from stalling the poller.
     */
    static Properties mailProperties(BounceMailbox m) {
        Properties p = new Properties();
        String prefix = "mail." + m.protocol() + ".";
        p.setProperty(prefix + "ssl.checkserveridentity", "true");
        p.put(prefix + "ssl.socketFactory", TlsTrust.socketFactory(m.trustedCertificate()));
        // no second attempt with the JVM's default socket factory after a TLS failure
        p.setProperty(prefix + "socketFactory.fallback", "false");
        if (!m.tls() && !m.allowPlaintextAuth()) {
            p.setProperty(prefix + "starttls.enable", "true");
            p.setProperty(prefix + "starttls.required", "true");
        }
        if (m.oauth2() != null) {
            // SASL XOAUTH2 with the access token in place of the password (Login); no other mechanism is tried
            p.setProperty(prefix + "auth.mechanisms", "XOAUTH2");
        }
        p.setProperty(prefix + "connectiontimeout", "30000");
        p.setProperty(prefix + "timeout", "60000");
        p.setProperty(prefix + "writetimeout", "60000");
        return p;
    }

    /**
     * The mailbox login, kept out of endpoint URIs (and therefore out of Camel's logs): the password, or with
     * {@code auth: oauth2} the mailbox's current access token, asked for at every connection.
     */
    static final class Login extends MailAuthenticator {
        private final String username;
        private final String password;
        private final AccessTokens tokens;
        private volatile AccessToken handedOut;

        Login(BounceMailbox m) {
            this.username = m.username();
            this.password = m.password();
            this.tokens = m.oauth2();
        }

        @Override
        public PasswordAuthentication getPasswordAuthentication() {
            if (tokens == null) {
                return new PasswordAuthentication(username, password);
            }
            try {
                AccessToken token = tokens.current();
                handedOut = token;
                return new PasswordAuthentication(username, token.value());
            } catch (TokenException e) {
                // fails the poll; MailboxPollBackoff logs the message (the token source's words, never a secret)
                throw new IllegalStateException("no OAuth2 access token for the mailbox: " + e.getMessage(), e);
            }
        }

        /**
         * The server refused the login: with OAuth2, drop the token handed out so that the next login gets a new one,
         * and say that an immediate second try is worth it.
         */
        boolean renewAfterRefusal() {
            AccessToken token = handedOut;
            if (tokens == null || token == null) {
                return false;
            }
            tokens.rejected(token);
            handedOut = null;
            return true;
        }

        @Override
        public String toString() {
            return "Login[" + username + ", ****]";
        }
    }

    /** Creates mail.bounces, mail.bounces.unparsed (when mailboxes are configured) and the compacted mail.suppressions. */
    public static void ensureTopics(KafkaSettings kafka, long maxRecordBytes, boolean bounces, boolean suppression) {
        KafkaSettings.Topics t = kafka.topics();
        List<NewTopic> wanted = new ArrayList<>();
        String max = String.valueOf(maxRecordBytes);
        if (bounces) {
            wanted.add(new NewTopic(t.bounces(), kafka.partitions(), kafka.replicationFactor()).configs(Map.of("max.message.bytes", max)));
            // unparsed messages are kept until someone looks at them
            wanted.add(new NewTopic(t.bouncesUnparsed(), kafka.partitions(), kafka.replicationFactor())
                    .configs(Map.of("max.message.bytes", max, "retention.ms", "-1")));
        }
        if (suppression) {
            wanted.add(new NewTopic(t.suppressions(), kafka.partitions(), kafka.replicationFactor())
                    .configs(Map.of("cleanup.policy", "compact")));
        }
        TopicAdmin.createMissing(kafka.connection(), wanted, "the bounce and suppression topics");
    }

    @Override
    public void close() {
        if (leadership != null) {
            leadership.close(); // deposed: polling stops, the views are dropped
        }
        if (views != null) {
            views.close();
        }
        for (TopicFollower f : followers) {
            f.close();
        }
    }
}
