package io.mailpipe.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import org.junit.jupiter.api.Test;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.metrics.ManagementServer;

/** The real helm binary (helm-java) lints the chart and renders it with several values files. */
class HelmChartTest {

    static final Path CHART = Path.of("helm/mailpipe");
    static final YAMLMapper YAML = new YAMLMapper();

    /** The rendered manifests, by kind. */
    record Manifests(List<JsonNode> docs) {
        JsonNode one(String kind) {
            List<JsonNode> found = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
            assertThat(found).as("manifests of kind " + kind).hasSize(1);
            return found.get(0);
        }

        boolean has(String kind) {
            return docs.stream().anyMatch(d -> kind.equals(d.path("kind").asText()));
        }

        JsonNode container() {
            return one("Deployment").path("spec").path("template").path("spec").path("containers").get(0);
        }

        MailpipeConfig config(Map<String, String> env) throws java.io.IOException {
            // the mounted secret files of the pod, here a temporary folder
            Path secrets = java.nio.file.Files.createTempDirectory("secrets");
            java.nio.file.Files.writeString(secrets.resolve("shop-gmail-password"), "pw");
            String yaml = one("ConfigMap").path("data").path("mailpipe.yaml").asText()
                    .replace("/etc/mailpipe/secrets/", secrets + "/");
            return MailpipeConfig.parse(yaml, env::get, "ConfigMap mailpipe.yaml");
        }
    }

    static Manifests render(String... valuesFiles) throws Exception {
        var template = new Helm(CHART).template().withName("mp").withNamespace("mail");
        for (String f : valuesFiles) {
            template = template.withValuesFile(Path.of(f));
        }
        String out = template.call();
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(out)) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isEmpty()) {
                    docs.add(d);
                }
            }
        }
        return new Manifests(docs);
    }

    @Test
    void lintPassesStrict() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void defaultsRenderAWorkerThatDrainsAndProbesTheManagementPort() throws Exception {
        Manifests m = render();
        JsonNode deployment = m.one("Deployment");
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode c = m.container();

        MailpipeConfig config = m.config(Map.of("RELAY_PASSWORD", "x", "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));
        Duration drain = config.worker().shutdownTimeout();
        assertThat(drain).isEqualTo(Duration.ofSeconds(30));
        assertThat(pod.path("terminationGracePeriodSeconds").asLong()).isGreaterThan(drain.toSeconds());
        assertThat(config.management().port()).isEqualTo(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8081);
        assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(env(c, "KAFKA_BOOTSTRAP_SERVERS").path("value").asText()).isEqualTo("kafka:9092");

        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo(ManagementServer.LIVE_PATH);
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo(ManagementServer.READY_PATH);
        assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo(ManagementServer.LIVE_PATH);
        assertThat(c.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("management");
        assertThat(c.path("resources").path("requests").path("cpu").asText()).isEqualTo("250m");
        assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();

        // passwords come from Secrets, by reference only
        JsonNode secretRef = env(c, "RELAY_PASSWORD").path("valueFrom").path("secretKeyRef");
        assertThat(secretRef.path("name").asText()).isEqualTo("mailpipe-accounts");
        assertThat(config.accounts().get(0).password()).isEqualTo("x");
        assertThat(m.one("ConfigMap").path("data").path("mailpipe.yaml").asText()).contains("${RELAY_PASSWORD}");

        assertThat(m.one("PodDisruptionBudget").path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
        JsonNode policy = m.one("NetworkPolicy").path("spec");
        assertThat(policy.path("ingress").get(0).path("ports").get(0).path("port").asInt()).isEqualTo(8081);
        assertThat(policy.path("egress").toString()).contains("9092", "587", "465", "53");
        assertThat(m.one("Service").path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(8081);
        assertThat(m.has("HorizontalPodAutoscaler")).isFalse();
        assertThat(m.has("ScaledObject")).isFalse();
        assertThat(m.has("ServiceMonitor")).isFalse();
    }

    @Test
    void kedaServiceMonitorAndSecretFiles() throws Exception {
        Manifests m = render("helm/mailpipe/ci/keda-values.yaml");
        assertThat(m.one("Deployment").path("spec").has("replicas")).as("KEDA owns the replica count").isFalse();
        JsonNode so = m.one("ScaledObject").path("spec");
        assertThat(so.path("maxReplicaCount").asInt()).isEqualTo(8);
        assertThat(so.path("minReplicaCount").asInt()).isEqualTo(2);
        JsonNode trigger = so.path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        assertThat(trigger.path("metadata").path("topic").asText()).isEqualTo("mail.requests");
        assertThat(trigger.path("metadata").path("consumerGroup").asText()).isEqualTo("mailpipe-prod");
        assertThat(trigger.path("metadata").path("lagThreshold").asText()).isEqualTo("500");
        assertThat(trigger.path("metadata").path("bootstrapServers").asText()).isEqualTo("kafka-0.kafka:9092,kafka-1.kafka:9092");

        JsonNode sm = m.one("ServiceMonitor");
        assertThat(sm.path("metadata").path("labels").path("release").asText()).isEqualTo("prometheus");
        assertThat(sm.path("spec").path("endpoints").get(0).path("path").asText()).isEqualTo(ManagementServer.METRICS_PATH);
        assertThat(sm.path("spec").path("endpoints").get(0).path("port").asText()).isEqualTo("management");

        assertThat(m.one("Deployment").path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asInt())
                .isEqualTo(75);
        JsonNode volumes = m.one("Deployment").path("spec").path("template").path("spec").path("volumes");
        assertThat(volumes.toString()).contains("mailpipe-dkim", "mailpipe-files");
        assertThat(volumes.get(2).path("secret").path("defaultMode").asInt()).isEqualTo(0400);
        assertThat(m.container().path("volumeMounts").toString()).contains("/etc/mailpipe/dkim");
        assertThat(m.one("NetworkPolicy").path("spec").path("egress").get(1).path("to").toString()).contains("10.20.0.0/16");

        MailpipeConfig config = m.config(Map.of("SHOP_MAILRU_PASSWORD", "x", "KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
        assertThat(config.worker().shutdownTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.kafka().groupId()).isEqualTo("mailpipe-prod");
    }

    @Test
    void hpaWithoutPdbOrNetworkPolicy() throws Exception {
        Manifests m = render("helm/mailpipe/ci/hpa-values.yaml");
        JsonNode hpa = m.one("HorizontalPodAutoscaler").path("spec");
        assertThat(hpa.path("maxReplicas").asInt()).isEqualTo(4);
        assertThat(hpa.path("metrics").get(0).path("resource").path("target").path("averageUtilization").asInt()).isEqualTo(60);
        assertThat(m.has("PodDisruptionBudget")).isFalse();
        assertThat(m.has("NetworkPolicy")).isFalse();
        assertThat(env(m.container(), "MAILPIPE_LOG_FORMAT").path("value").asText()).isEqualTo("text");
        assertThat(m.container().path("ports").get(0).path("containerPort").asInt()).isEqualTo(9464);
        assertThat(m.config(Map.of("RELAY_PASSWORD", "x", "KAFKA_BOOTSTRAP_SERVERS", "k:9092")).management().port()).isEqualTo(9464);
    }

    @Test
    void mistakesFailWithAMessageThatSaysWhatToDo() {
        assertThatThrownBy(() -> render("src/test/resources/helm/literal-password.yaml"))
                .hasMessageContaining("config.accounts[0].password holds a literal value");
        assertThatThrownBy(() -> render("src/test/resources/helm/both-autoscalers.yaml"))
                .hasMessageContaining("enable either hpa or keda");
        assertThatThrownBy(() -> render("src/test/resources/helm/keda-beyond-partitions.yaml"))
                .hasMessageContaining("sit idle");
        assertThatThrownBy(() -> render("src/test/resources/helm/owned-key-in-config.yaml"))
                .hasMessageContaining("set drain.timeoutSeconds instead");
        assertThatThrownBy(() -> render("src/test/resources/helm/short-grace.yaml"))
                .hasMessageContaining("drain.extraSeconds must be at least 5");
    }

    @Test
    void renderedManifestsNeverHoldTheSecretValues() throws Exception {
        for (String values : List.of("helm/mailpipe/ci/keda-values.yaml", "helm/mailpipe/ci/hpa-values.yaml")) {
            Manifests m = render(values);
            assertThat(m.has("Secret")).as("the chart creates no Secret; it only references them").isFalse();
        }
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return e;
            }
        }
        throw new AssertionError("no environment variable " + name + " in " + container.path("env"));
    }

    @Test
    void monitoringValuesRenderTheRulesAndTheDashboardOfDocsForTheSidecar() throws Exception {
        assertThat(java.nio.file.Files.readString(CHART.resolve("files/mailpipe-rules.yml")))
                .as("the chart's rules are docs/prometheus/mailpipe-rules.yml")
                .isEqualTo(java.nio.file.Files.readString(Path.of("docs/prometheus/mailpipe-rules.yml")));
        assertThat(java.nio.file.Files.readString(CHART.resolve("files/mailpipe-dashboard.json")))
                .as("the chart's dashboard is docs/grafana/mailpipe-dashboard.json")
                .isEqualTo(java.nio.file.Files.readString(Path.of("docs/grafana/mailpipe-dashboard.json")));

        Manifests m = render(CHART.resolve("ci/monitoring-values.yaml").toString());
        JsonNode rule = m.one("PrometheusRule");
        assertThat(rule.path("metadata").path("labels").path("release").asText()).isEqualTo("prometheus");
        JsonNode docsRules = YAML.readTree(Path.of("docs/prometheus/mailpipe-rules.yml").toFile());
        assertThat(rule.path("spec").path("groups")).isEqualTo(docsRules.path("groups"));
        assertThat(rule.path("spec").path("groups").get(0).path("rules")).hasSize(7);

        JsonNode dashboard = m.docs().stream().filter(d -> "ConfigMap".equals(d.path("kind").asText())
                && d.path("metadata").path("name").asText().endsWith("-dashboard")).findFirst().orElseThrow();
        assertThat(dashboard.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dashboard.path("data").path("mailpipe-dashboard.json").asText());
        assertThat(json).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().readTree(Path.of("docs/grafana/mailpipe-dashboard.json").toFile()));
        assertThat(render().has("PrometheusRule")).as("off by default: it needs the Prometheus Operator").isFalse();
    }
}
