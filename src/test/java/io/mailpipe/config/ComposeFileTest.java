package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.metrics.ManagementServer;

/**
 * No Docker engine runs here, so docker-compose.yml and the Dockerfile are checked by reading them: every service,
 * port, volume and environment variable they name must match what mailpipe reads.
 */
class ComposeFileTest {

    static JsonNode compose;
    static JsonNode services;
    static List<String> dockerfile;
    static final int GREENMAIL_SMTP = 3025;
    static final int GREENMAIL_IMAP = 3143;
    static final int GREENMAIL_API = 8080;

    @BeforeAll
    static void read() throws Exception {
        compose = new YAMLMapper().readTree(Path.of("docker-compose.yml").toFile());
        services = compose.path("services");
        dockerfile = Files.readAllLines(Path.of("Dockerfile"));
    }

    static Map<String, String> env(String service) {
        Map<String, String> env = new HashMap<>();
        services.path(service).path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    /** Container port to host port of a service's {@code ports:} entries ("host:container"). */
    static Map<Integer, Integer> ports(String service) {
        Map<Integer, Integer> ports = new HashMap<>();
        for (JsonNode p : services.path(service).path("ports")) {
            String[] parts = p.asText().split(":");
            ports.put(Integer.parseInt(parts[parts.length - 1]), Integer.parseInt(parts[parts.length - 2]));
        }
        return ports;
    }

    /** The worker's configuration file (host side of the mount) and where it is mounted. */
    static String[] configMount() {
        for (JsonNode v : services.path("mailpipe").path("volumes")) {
            String[] parts = v.asText().split(":");
            if (parts[1].endsWith(".yaml")) {
                return parts;
            }
        }
        throw new AssertionError("the mailpipe service mounts no configuration file");
    }

    static MailpipeConfig workerConfig() throws Exception {
        Path file = Path.of(configMount()[0]);
        assertThat(file).exists();
        // parse fails on any ${VAR} that the compose file does not set
        return MailpipeConfig.parse(Files.readString(file), env("mailpipe")::get, file.toString());
    }

    @Test
    void servicesAndImages() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("kafka", "mail", "mailpipe", "publish");
        assertThat(services.path("kafka").path("image").asText()).startsWith("apache/kafka:");
        assertThat(services.path("mail").path("image").asText()).startsWith("greenmail/standalone:");
        assertThat(services.path("mailpipe").path("build").asText()).isEqualTo(".");
        assertThat(services.path("publish").path("image").asText()).isEqualTo(services.path("mailpipe").path("image").asText());
        assertThat(services.path("mailpipe").path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
    }

    @Test
    void kafkaIsOneKraftNodeThatTheWorkerReaches() throws Exception {
        Map<String, String> k = env("kafka");
        assertThat(k.get("KAFKA_PROCESS_ROLES")).contains("broker", "controller");
        Map<String, String> advertised = listeners(k.get("KAFKA_ADVERTISED_LISTENERS"));
        Map<String, String> listeners = listeners(k.get("KAFKA_LISTENERS"));
        Set<String> mapped = listeners(k.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").replace(":", "://")).keySet();
        assertThat(mapped).containsAll(listeners.keySet());
        assertThat(listeners).containsKey(k.get("KAFKA_CONTROLLER_LISTENER_NAMES"));
        String controllerPort = listeners.get(k.get("KAFKA_CONTROLLER_LISTENER_NAMES")).replaceAll(".*:", "");
        assertThat(k.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).isEqualTo(k.get("KAFKA_NODE_ID") + "@kafka:" + controllerPort);

        // the worker's broker address is an advertised listener on the kafka service, on a port it listens on
        MailpipeConfig config = workerConfig();
        String bootstrap = config.kafka().bootstrapServers();
        assertThat(advertised).containsValue(bootstrap);
        assertThat(bootstrap).startsWith(services.path("kafka").path("hostname").asText() + ":");
        String internal = advertised.entrySet().stream().filter(e -> e.getValue().equals(bootstrap)).findFirst().orElseThrow().getKey();
        assertThat(listeners.get(internal)).endsWith(":" + bootstrap.replaceAll(".*:", ""));
        assertThat(env("publish").get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo(bootstrap);

        // from the host: the EXTERNAL listener is advertised as localhost and published on the same port
        int external = Integer.parseInt(advertised.get("EXTERNAL").replaceAll(".*:", ""));
        assertThat(advertised.get("EXTERNAL")).startsWith("localhost:");
        assertThat(ports("kafka")).containsEntry(external, external);

        // every named volume a service uses is declared
        services.fields().forEachRemaining(e -> {
            for (JsonNode v : e.getValue().path("volumes")) {
                String source = v.asText().split(":")[0];
                if (!source.startsWith(".") && !source.startsWith("/")) {
                    assertThat(compose.path("volumes").has(source)).as("volume " + source + " of " + e.getKey()).isTrue();
                }
            }
        });
    }

    @Test
    void accountsPointAtTheSandbox() throws Exception {
        MailpipeConfig config = workerConfig();
        String opts = env("mail").get("GREENMAIL_OPTS");
        assertThat(opts).contains("-Dgreenmail.setup.test.all", "-Dgreenmail.hostname=0.0.0.0", "-Dgreenmail.auth.disabled");
        assertThat(config.accounts()).isNotEmpty().allSatisfy(a -> {
            assertThat(a.host()).isEqualTo("mail").isEqualTo(services.path("mail").path("hostname").asText());
            assertThat(a.port()).isEqualTo(GREENMAIL_SMTP);
        });
        assertThat(ports("mail")).containsKeys(GREENMAIL_SMTP, GREENMAIL_IMAP, GREENMAIL_API);

        // every account the example requests pin exists, so publishing them shows mail in the sandbox
        Set<String> names = new HashSet<>();
        config.accounts().stream().map(Account::name).forEach(names::add);
        Matcher m = Pattern.compile("\"account\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(Path.of("examples/requests.jsonl")));
        while (m.find()) {
            assertThat(names).contains(m.group(1));
        }
    }

    @Test
    void workerPortsVariablesAndMountsMatchWhatMailpipeReads() throws Exception {
        MailpipeConfig config = workerConfig();
        int management = config.management().port();
        assertThat(ports("mailpipe")).containsEntry(management, management);
        String health = services.path("mailpipe").path("healthcheck").path("test").toString();
        assertThat(health).contains("127.0.0.1/" + management, ManagementServer.READY_PATH);

        // every variable given to the worker is read by mailpipe: by the configuration file, as a key override,
        // by the logging configuration, or by the launcher
        String configText = Files.readString(Path.of(configMount()[0]));
        String logging = Files.readString(Path.of("src/main/resources/io/mailpipe/logback-base.xml"));
        List<String> overrides = EnvOverrides.names(config.accounts().size());
        for (String name : env("mailpipe").keySet()) {
            assertThat(configText.contains("${" + name + "}") || overrides.contains(name) || logging.contains(name)
                    || name.equals("KAFKA_BOOTSTRAP_SERVERS"))
                    .as("mailpipe reads environment variable " + name).isTrue();
        }

        // the configuration is mounted where the image's command looks for it
        String mountedAt = configMount()[1];
        assertThat(dockerfile).anySatisfy(l -> assertThat(l).startsWith("CMD").contains("\"--config\", \"" + mountedAt + "\""));

        // stopping waits longer than the drain
        Duration grace = Duration.parse("PT" + services.path("mailpipe").path("stop_grace_period").asText().toUpperCase());
        assertThat(grace).isGreaterThan(config.worker().shutdownTimeout());

        // the publish service's file is in the image
        String published = services.path("publish").path("command").get(1).asText();
        assertThat(published).isEqualTo("/app/examples/requests.jsonl");
        assertThat(dockerfile).contains("COPY --from=build /src/examples /app/examples");
    }

    @Test
    void noHostPortIsPublishedTwice() {
        List<Integer> hostPorts = new ArrayList<>();
        services.fieldNames().forEachRemaining(s -> hostPorts.addAll(ports(s).values()));
        assertThat(hostPorts).doesNotHaveDuplicates();
    }

    @Test
    void dockerfileBuildsWithMavenAndRunsAsNonRootOnJava17() throws Exception {
        List<String> from = dockerfile.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).hasSize(3);
        assertThat(from.get(0)).contains("maven:", "temurin-17", "AS build");
        // the class-data sharing archive is made on the very JRE the image runs (it fits only the JVM that made it)
        assertThat(from.get(1)).contains("temurin:17-jre", "AS cds");
        assertThat(from.get(2)).isEqualTo(from.get(1).replace(" AS cds", ""));
        String user = dockerfile.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
        assertThat(user).doesNotContain("root").isNotEqualTo("USER 0");
        assertThat(dockerfile.indexOf(user)).isGreaterThan(dockerfile.indexOf(from.get(2)));
        String all = String.join("\n", dockerfile);
        assertThat(all).contains("-XX:ArchiveClassesAtExit=/app/mailpipe.jsa", "COPY --from=cds /app/mailpipe.jsa /app/mailpipe.jsa");
        for (String option : WORKER_JVM_DEFAULTS) {
            assertThat(all).as("the image starts workers as the chart and the load driver do").contains(option);
        }
        assertThat(dockerfile).contains("EXPOSE " + ManagementSettings.DEFAULT_PORT);
        assertThat(String.join("\n", dockerfile)).contains("MAILPIPE_JAVA_OPTS", "MAILPIPE_LOG_FORMAT=json");
        String dataDirOverride = "MAILPIPE_WORKER_DATA_DIR";
        assertThat(EnvOverrides.names(0)).contains(dataDirOverride);
    }

    /** The JVM options every worker starts with: image, chart, launcher and the load driver. */
    private static final List<String> WORKER_JVM_DEFAULTS = io.mailpipe.loadtest.WorkerJvm.USER_DEFAULTS;

    @Test
    void theChartAndTheLauncherStartWorkersWithTheSameJvmOptions() throws Exception {
        String values = java.nio.file.Files.readString(java.nio.file.Path.of("helm/mailpipe/values.yaml"));
        String launcher = java.nio.file.Files.readString(java.nio.file.Path.of("mailpipe"));
        assertThat(values).contains("-XX:SharedArchiveFile=/app/mailpipe.jsa");
        assertThat(launcher).contains("SharedArchiveFile=$here/target/mailpipe.jsa");
        for (String option : WORKER_JVM_DEFAULTS) {
            assertThat(values).contains(option);
            assertThat(launcher).contains(option);
        }
    }

    /** {@code NAME://host:port,...} to NAME -> host:port. */
    private static Map<String, String> listeners(String list) {
        Map<String, String> out = new HashMap<>();
        for (String l : list.split(",")) {
            String[] parts = l.split("://");
            out.put(parts[0], parts[1]);
        }
        return out;
    }
}
