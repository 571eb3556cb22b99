package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.mailpipe.account.Account;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link MailpipeConfig#parse}: environment references, comments, unknown keys and section defaults. */
class MailpipeConfigTest {

    private static final String SOURCE = "conf/mailpipe.yaml";
    private static final String ONE_ACCOUNT = """
            accounts:
              - {name: shop, host: mx.example, from: shop@x.example}
            """;

    static MailpipeConfig parse(String yaml, Map<String, String> env) {
        return MailpipeConfig.parse(yaml, env::get, SOURCE);
    }

    static Account account(String yaml, Map<String, String> env) {
        return parse(yaml, env).accounts().get(0);
    }

    // ---------------------------------------------------------------- ${VAR} and ${VAR:-default}

    static Stream<Arguments> substitutions() {
        return Stream.of(
                arguments("${HOST}", Map.of("HOST", "smtp.env.example"), "smtp.env.example"),
                arguments("${HOST:-smtp.default.example}", Map.of(), "smtp.default.example"),
                arguments("${HOST:-smtp.default.example}", Map.of("HOST", "smtp.env.example"), "smtp.env.example"),
                arguments("smtp.${DOMAIN}", Map.of("DOMAIN", "env.example"), "smtp.env.example"),
                arguments("${SUB}.${DOMAIN:-x.example}", Map.of("SUB", "mail"), "mail.x.example"),
                arguments("${A}${B}", Map.of("A", "mx", "B", ".example"), "mx.example"),
                arguments("'${HOST}'", Map.of("HOST", "quoted.example"), "quoted.example"),
                arguments("\"${HOST}\"", Map.of("HOST", "dquoted.example"), "dquoted.example"),
                arguments("${host_2}", Map.of("host_2", "lower.example"), "lower.example"),
                // not a reference: the name must start with a letter or '_'
                arguments("\"${1X}.example\"", Map.of("1X", "never"), "${1X}.example"));
    }

    @ParameterizedTest(name = "host: {0} with {1}")
    @MethodSource("substitutions")
    void substitutesEnvironmentReferences(String value, Map<String, String> env, String expectedHost) {
        String yaml = "accounts:\n  - name: shop\n    host: " + value + "\n    from: shop@x.example\n";

        assertThat(account(yaml, env).host()).isEqualTo(expectedHost);
    }

    @Test
    void anEmptyDefaultGivesAnEmptyValue() {
        Account a = account("""
                accounts:
                  - name: shop
                    host: mx.example
                    from: shop@x.example${SUFFIX:-}
                """, Map.of());

        assertThat(a.from()).isEqualTo("shop@x.example");
    }

    @Test
    void aSubstitutedValueIsNotExpandedAgain() {
        Account a = account("""
                accounts:
                  - name: shop
                    host: mx.example
                    username: shop@x.example
                    password: ${PW}
                """, Map.of("PW", "a${OTHER}b", "OTHER", "never"));

        assertThat(a.password()).isEqualTo("a${OTHER}b");
    }

    @Test
    void substitutesInEverySection() {
        MailpipeConfig config = parse("""
                kafka:
                  bootstrapServers: ${KAFKA}
                  groupId: ${GROUP:-mailpipe-test}
                worker:
                  dataDir: ${DATA}
                retry:
                  maxAttempts: ${ATTEMPTS}
                accounts:
                  - {name: shop, host: mx.example, port: "${PORT}", from: shop@x.example}
                """, Map.of("KAFKA", "k1:9092,k2:9092", "DATA", "/var/lib/mailpipe", "ATTEMPTS", "5", "PORT", "2525"));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(config.kafka().groupId()).isEqualTo("mailpipe-test");
        assertThat(config.worker().dataDir()).isEqualTo("/var/lib/mailpipe");
        assertThat(config.retry().maxAttempts()).isEqualTo(5);
        assertThat(config.accounts().get(0).port()).isEqualTo(2525);
    }

    static Stream<Arguments> missingVariables() {
        return Stream.of(
                arguments("""
                        accounts:
                          - name: shop
                            host: ${SMTP_HOST}
                            from: shop@x.example
                        """, "accounts[0].host", "SMTP_HOST"),
                arguments("""
                        # comment line 1
                        kafka:
                          groupId: g
                        accounts:
                          - name: shop
                            host: mx.example
                            from: shop@x.example
                            password: ${SHOP_PASSWORD}
                        """, "accounts[0].password", "SHOP_PASSWORD"),
                arguments("""
                        accounts:
                          - {name: shop, host: "${SET}", from: "${UNSET}@x.example"}
                        """, "accounts[0].from", "UNSET"),
                arguments("kafka:\n  groupId: ${GROUP}\naccounts:\n  - {name: a, host: h, from: a@x.example}\n", "kafka.groupId", "GROUP"));
    }

    @ParameterizedTest(name = "{2} at {1}")
    @MethodSource("missingVariables")
    void aMissingVariableFailsNamingThePlaceAndTheVariable(String yaml, String where, String variable) {
        assertThatThrownBy(() -> parse(yaml, Map.of("SET", "set.example")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SOURCE + ": " + where + " refers to")
                .hasMessageContaining("environment variable " + variable + ", which is not set")
                .hasMessageContaining("${" + variable + ":-default}");
    }

    static Stream<Arguments> commentsWithReferences() {
        return Stream.of(
                arguments("whole-line comment", "# password: ${UNSET}\n"),
                arguments("indented comment", "    # see ${UNSET} for the value\n"),
                arguments("trailing comment", "    timeout: PT10S # or ${UNSET}\n"),
                arguments("trailing comment after a quoted value", "    username: 'shop@x.example' # ${UNSET}\n"),
                arguments("comment right after '#'", "#${UNSET}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commentsWithReferences")
    void referencesInCommentsAreNotSubstituted(String label, String commentLine) {
        String yaml = "accounts:\n  - name: shop\n    host: mx.example\n    from: shop@x.example\n" + commentLine;

        Account a = account(yaml, Map.of());

        assertThat(a.host()).isEqualTo("mx.example");
    }

    static Stream<Arguments> hashesThatAreNotComments() {
        return Stream.of(
                arguments("in double quotes", "\"Shop # ${NAME} <shop@x.example>\"", "Shop # Mailer <shop@x.example>"),
                arguments("in single quotes", "'Shop # ${NAME} <shop@x.example>'", "Shop # Mailer <shop@x.example>"),
                arguments("not after whitespace", "\"Shop#${NAME} <shop@x.example>\"", "Shop#Mailer <shop@x.example>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hashesThatAreNotComments")
    void aHashInsideAValueIsNotAComment(String label, String fromValue, String expectedFrom) {
        String yaml = "accounts:\n  - name: shop\n    host: mx.example\n    from: " + fromValue + "\n";

        assertThat(account(yaml, Map.of("NAME", "Mailer")).from()).isEqualTo(expectedFrom);
    }

    @Test
    void keepsWindowsLineEndings() {
        Account a = account("accounts:\r\n  - name: shop\r\n    host: ${H}\r\n    from: shop@x.example # ${UNSET}\r\n",
                Map.of("H", "mx.example"));

        assertThat(a.host()).isEqualTo("mx.example");
        assertThat(a.from()).isEqualTo("shop@x.example");
    }

    // ---------------------------------------------------------------- bugs found (see the reasons)

    static Stream<Arguments> passwordsWithYamlSyntax() {
        return Stream.of(
                arguments("#starts-with-hash"),
                arguments("ends with #1"),
                arguments("*alias-like"),
                arguments("a: b"),
                arguments("\"quote"),
                arguments("[bracket"));
    }

    @ParameterizedTest(name = "PW={0}")
    @MethodSource("passwordsWithYamlSyntax")
    void anEnvironmentValueIsTakenVerbatimEvenWithYamlSyntaxInIt(String password) {
        Account a = account("""
                accounts:
                  - name: shop
                    host: mx.example
                    username: shop@x.example
                    password: ${PW}
                """, Map.of("PW", password));

        assertThat(a.password()).isEqualTo(password);
    }

    @Test
    void aBrokenSecretIsNeverEchoedInTheError() {
        String yaml = "accounts:\n  - name: shop\n    host: mx.example\n    username: shop@x.example\n    password: ${PW}\n";
        try {
            assertThat(account(yaml, Map.of("PW", "Sup3r: Secret")).password()).isEqualTo("Sup3r: Secret");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("Sup3r");
        }
    }

    @Test
    void anApostropheInAPlainValueDoesNotHideTheComment() {
        Account a = account("""
                accounts:
                  - name: shop
                    host: mx.example
                    from: Bob's Shop <bob@x.example> # ${UNSET}
                """, Map.of());

        assertThat(a.from()).isEqualTo("Bob's Shop <bob@x.example>");
    }

    @Test
    void anEmptyVariableFallsBackToTheDefaultLikeTheShell() {
        Account a = account("""
                accounts:
                  - {name: shop, host: "${SMTP_HOST:-mx.example}", from: shop@x.example}
                """, Map.of("SMTP_HOST", ""));

        assertThat(a.host()).isEqualTo("mx.example");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("emptyFiles")
    void anEmptyFileSaysItIsEmpty(String yaml) {
        assertThatThrownBy(() -> parse(yaml, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining(SOURCE).hasMessageContaining("the configuration is empty");
    }

    @Test
    void ledgerRetentionDefaultsToThirtyDaysAndMustOutlastTheRetryWindow() {
        String accounts = "accounts:\n  - {name: shop, host: mx.example, from: shop@x.example}\n";
        MailpipeConfig defaults = parse(accounts, Map.of());
        assertThat(defaults.worker().stateRetention()).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(defaults.worker().stateDirPath()).as("empty: a temporary folder").isNull();
        assertThat(parse("worker: {stateDir: /var/lib/mailpipe/ledger}\n" + accounts, Map.of()).worker().stateDirPath())
                .isEqualTo(java.nio.file.Path.of("/var/lib/mailpipe/ledger"));
        assertThatThrownBy(() -> parse("worker: {stateRetention: PT12H}\nretry: {maxAge: P1D}\n" + accounts, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("worker.stateRetention")
                .hasMessageContaining("retry.maxAge");
    }

    static Stream<String> emptyFiles() {
        return Stream.of("", "# only a comment\n");
    }

    // ---------------------------------------------------------------- unknown keys and bad values

    static Stream<Arguments> unknownKeys() {
        return Stream.of(
                arguments("kafkaa:\n  groupId: g\n" + ONE_ACCOUNT, "kafkaa", "kafkaa"),
                arguments("kafka:\n  groupID: g\n" + ONE_ACCOUNT, "groupID", "kafka.groupID"),
                arguments("kafka:\n  topics: {request: r}\n" + ONE_ACCOUNT, "request", "kafka.topics.request"),
                arguments("retry:\n  maxAttempt: 3\n" + ONE_ACCOUNT, "maxAttempt", "retry.maxAttempt"),
                arguments("worker:\n  datadir: /tmp\n" + ONE_ACCOUNT, "datadir", "worker.datadir"),
                arguments("accounts:\n  - {name: shop, hots: mx.example, from: a@x.example}\n", "hots", "accounts[0].hots"),
                arguments("accounts:\n  - {name: a, host: h, from: a@x.example}\n  - {name: b, host: h, from: b@x.example,"
                        + " limits: {perMinute: 5}}\n", "perMinute", "accounts[1].limits.perMinute"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("unknownKeys")
    void anUnknownKeyFailsNamingTheKeyAndWhereItIs(String yaml, String key, String path) {
        assertThatThrownBy(() -> parse(yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("unknown key '" + key + "' at " + path)
                .hasMessageContaining("known keys there");
    }

    static Stream<Arguments> badSectionValues() {
        return Stream.of(
                arguments("retry:\n  maxAttempts: 0\n", List.of("retry.maxAttempts")),
                arguments("retry:\n  initialBackoff: PT10M\n  maxBackoff: PT1M\n", List.of("retry", "maxBackoff")),
                arguments("retry:\n  multiplier: 0.5\n", List.of("retry", "multiplier")),
                arguments("retry:\n  initialBackoff: soon\n", List.of(SOURCE, "retry.initialBackoff")),
                arguments("kafka:\n  partitions: 0\n", List.of("kafka", "partitions")),
                arguments("kafka:\n  consumers: 0\n", List.of("kafka", "consumers")),
                arguments("worker:\n  maxRequestBytes: lots\n", List.of(SOURCE, "worker.maxRequestBytes")),
                arguments("accounts: {name: shop}\n", List.of(SOURCE, "accounts")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSectionValues")
    void aBadValueFailsNamingTheSetting(String section, List<String> fragments) {
        String yaml = section.startsWith("accounts") ? section : section + ONE_ACCOUNT;

        assertThatThrownBy(() -> parse(yaml, Map.of())).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
    }

    // ---------------------------------------------------------------- defaults

    @Test
    void absentSectionsTakeTheDefaultsOfTheRecords() {
        MailpipeConfig config = parse(ONE_ACCOUNT, Map.of());

        assertThat(config.kafka()).isEqualTo(KafkaSettings.defaults());
        assertThat(config.worker()).isEqualTo(WorkerSettings.defaults());
        assertThat(config.retry()).isEqualTo(RetrySettings.defaults());
        assertThat(config.accounts()).extracting(Account::name).containsExactly("shop");
    }

    @Test
    void emptySectionsTakeTheDefaultsToo() {
        MailpipeConfig config = parse("kafka: {}\nworker:\nretry: {}\n" + ONE_ACCOUNT, Map.of());

        assertThat(config.kafka()).isEqualTo(KafkaSettings.defaults());
        assertThat(config.worker()).isEqualTo(WorkerSettings.defaults());
        assertThat(config.retry()).isEqualTo(RetrySettings.defaults());
    }

    @Test
    void kafkaDefaults() {
        KafkaSettings k = parse(ONE_ACCOUNT, Map.of()).kafka();
        String envServers = System.getenv("KAFKA_BOOTSTRAP_SERVERS");

        assertThat(k.bootstrapServers()).isEqualTo(envServers == null ? "" : envServers.trim());
        assertThat(k.useLocalBroker()).isEqualTo(k.bootstrapServers().isBlank());
        assertThat(k.groupId()).isEqualTo("mailpipe");
        assertThat(k.topics()).isEqualTo(new KafkaSettings.Topics("mail.requests", "mail.outcomes", "mail.dlq", "mail.retry"));
        assertThat(k.partitions()).isEqualTo(4);
        assertThat(k.replicationFactor()).isEqualTo((short) 1);
        assertThat(k.createTopics()).isTrue();
        assertThat(k.maxPollRecords()).isEqualTo(500);
        assertThat(k.consumers()).isEqualTo(1);
    }

    @Test
    void retryDefaults() {
        RetrySettings r = parse(ONE_ACCOUNT, Map.of()).retry();

        assertThat(r.maxAttempts()).isEqualTo(8);
        assertThat(r.initialBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.multiplier()).isEqualTo(2.0);
        assertThat(r.maxBackoff()).isEqualTo(Duration.ofMinutes(15));
        assertThat(r.maxAge()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void workerDefaults() {
        WorkerSettings w = parse(ONE_ACCOUNT, Map.of()).worker();

        assertThat(w.maxRequestBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(w.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(w.routes()).isEqualTo(WorkerSettings.DEFAULT_ROUTES);
        assertThat(w.dataDir()).isEqualTo(".mailpipe");
    }

    @Test
    void aPartialSectionKeepsTheOtherDefaults() {
        MailpipeConfig config = parse("""
                kafka:
                  bootstrapServers: broker:9092
                  topics: {requests: test.requests}
                  partitions: 12
                retry:
                  maxAttempts: 3
                  initialBackoff: PT2S
                  maxBackoff: PT10S
                """ + ONE_ACCOUNT, Map.of());

        assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9092");
        assertThat(config.kafka().useLocalBroker()).isFalse();
        assertThat(config.kafka().topics())
                .isEqualTo(new KafkaSettings.Topics("test.requests", "mail.outcomes", "mail.dlq", "mail.retry"));
        assertThat(config.kafka().partitions()).isEqualTo(12);
        assertThat(config.kafka().groupId()).isEqualTo("mailpipe");
        assertThat(config.retry()).isEqualTo(new RetrySettings(3, Duration.ofSeconds(2), 2.0, Duration.ofSeconds(10),
                Duration.ofHours(24)));
    }
}
