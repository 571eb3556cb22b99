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

        /** The workers: the Deployment, or the StatefulSet when the ledger has a volume per worker (never both). */
        JsonNode workload() {
            assertThat(has("Deployment") && has("StatefulSet")).as("a Deployment and a StatefulSet").isFalse();
            return one(has("StatefulSet") ? "StatefulSet" : "Deployment");
        }

        JsonNode container() {
            return workload().path("spec").path("template").path("spec").path("containers").get(0);
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

        // the ledger's stores in the /tmp emptyDir (a temporary folder, every start restores from Kafka)
        assertThat(m.has("StatefulSet")).isFalse();
        assertThat(m.has("PersistentVolumeClaim")).isFalse();
        assertThat(c.path("env").toString()).doesNotContain("MAILPIPE_WORKER_STATE_DIR");
        assertThat(c.path("volumeMounts").toString()).contains("\"/tmp\"").doesNotContain("/var/lib/mailpipe/ledger");
        assertThat(pod.path("volumes").toString()).contains("emptyDir");
        assertThat(config.worker().stateDirPath()).isNull();
        assertThat(config.worker().stateRetention()).isEqualTo(Duration.ofDays(30));
        // room for metaspace, threads and RocksDB (off the heap) besides the heap
        assertThat(env(c, "MAILPIPE_JAVA_OPTS").path("value").asText()).contains("-XX:MaxRAMPercentage=55");
    }

    @Test
    void ledgerPersistenceRendersAStatefulSetWithAVolumePerWorker() throws Exception {
        Manifests m = render("helm/mailpipe/ci/ledger-values.yaml");
        assertThat(m.has("Deployment")).isFalse();
        JsonNode sts = m.one("StatefulSet").path("spec");
        assertThat(sts.path("replicas").asInt()).isEqualTo(2);
        assertThat(sts.path("podManagementPolicy").asText()).isEqualTo("Parallel");
        assertThat(sts.path("serviceName").asText()).isEqualTo(m.one("Service").path("metadata").path("name").asText());
        assertThat(sts.path("selector").path("matchLabels"))
                .isEqualTo(m.one("PodDisruptionBudget").path("spec").path("selector").path("matchLabels"))
                .isEqualTo(m.one("Service").path("spec").path("selector"));
        assertThat(sts.path("template").path("metadata").path("labels").toString())
                .contains(sts.path("selector").path("matchLabels").path("app.kubernetes.io/instance").asText());

        // one claim per worker, of the given size and class
        assertThat(sts.path("volumeClaimTemplates")).hasSize(1);
        JsonNode claim = sts.path("volumeClaimTemplates").get(0);
        assertThat(claim.path("metadata").path("name").asText()).isEqualTo("ledger");
        assertThat(claim.path("spec").path("resources").path("requests").path("storage").asText()).isEqualTo("5Gi");
        assertThat(claim.path("spec").path("storageClassName").asText()).isEqualTo("fast-ssd");
        assertThat(claim.path("spec").path("accessModes").toString()).isEqualTo("[\"ReadWriteOnce\"]");

        // the same pod as the Deployment's, plus the volume at worker.stateDir
        JsonNode c = m.container();
        assertThat(env(c, "MAILPIPE_WORKER_STATE_DIR").path("value").asText()).isEqualTo("/var/lib/mailpipe/ledger");
        JsonNode mount = null;
        for (JsonNode v : c.path("volumeMounts")) {
            if ("ledger".equals(v.path("name").asText())) {
                mount = v;
            }
        }
        assertThat(mount).as("the ledger volume's mount in " + c.path("volumeMounts")).isNotNull();
        assertThat(mount.path("mountPath").asText()).isEqualTo("/var/lib/mailpipe/ledger");
        assertThat(mount.path("readOnly").asBoolean()).isFalse();
        assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(withoutLedgerAndChecksum(sts.path("template")))
                .as("the StatefulSet's pod is the Deployment's (one named template) plus the ledger's volume")
                .isEqualTo(withoutLedgerAndChecksum(render().one("Deployment").path("spec").path("template")));

        MailpipeConfig config = m.config(Map.of("RELAY_PASSWORD", "x", "KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
        assertThat(config.worker().stateRetention()).isEqualTo(Duration.ofDays(14));
        assertThat(m.one("ConfigMap").path("data").path("mailpipe.yaml").asText()).contains("stateRetention: P14D");

        assertThat(m.has("HorizontalPodAutoscaler")).isFalse();
        assertThat(m.has("ScaledObject")).isFalse();
    }

    @Test
    void autoscalersTargetTheStatefulSetWhenTheLedgerHasVolumes() throws Exception {
        Manifests hpa = render("helm/mailpipe/ci/hpa-values.yaml", "helm/mailpipe/ci/ledger-values.yaml");
        assertThat(hpa.one("StatefulSet").path("spec").has("replicas")).as("the HPA owns the replica count").isFalse();
        JsonNode target = hpa.one("HorizontalPodAutoscaler").path("spec").path("scaleTargetRef");
        assertThat(target.path("kind").asText()).isEqualTo("StatefulSet");
        assertThat(target.path("apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(target.path("name").asText()).isEqualTo(hpa.one("StatefulSet").path("metadata").path("name").asText());

        Manifests keda = render("helm/mailpipe/ci/keda-values.yaml", "helm/mailpipe/ci/ledger-values.yaml");
        assertThat(keda.one("StatefulSet").path("spec").has("replicas")).as("KEDA owns the replica count").isFalse();
        target = keda.one("ScaledObject").path("spec").path("scaleTargetRef");
        assertThat(target.path("kind").asText()).isEqualTo("StatefulSet");
        assertThat(target.path("apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(target.path("name").asText()).isEqualTo(keda.one("StatefulSet").path("metadata").path("name").asText());

        // without the ledger's volumes they target the Deployment
        assertThat(render("helm/mailpipe/ci/hpa-values.yaml").one("HorizontalPodAutoscaler").path("spec")
                .path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
        assertThat(render("helm/mailpipe/ci/keda-values.yaml").one("ScaledObject").path("spec")
                .path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
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
        assertThatThrownBy(() -> render("src/test/resources/helm/state-retention-in-config.yaml"))
                .hasMessageContaining("set ledger.retention instead");
    }

    @Test
    void renderedManifestsNeverHoldTheSecretValues() throws Exception {
        for (String values : List.of("helm/mailpipe/ci/keda-values.yaml", "helm/mailpipe/ci/hpa-values.yaml",
                "helm/mailpipe/ci/ledger-values.yaml")) {
            Manifests m = render(values);
            assertThat(m.has("Secret")).as("the chart creates no Secret; it only references them").isFalse();
        }
    }

    /** A pod template without the ledger's env var and mount and without the config checksum (the values differ). */
    private static JsonNode withoutLedgerAndChecksum(JsonNode template) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = template.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.path("metadata").path("annotations")).remove("checksum/config");
        JsonNode container = copy.path("spec").path("containers").get(0);
        for (String list : List.of("env", "volumeMounts")) {
            java.util.Iterator<JsonNode> it = container.path(list).elements();
            while (it.hasNext()) {
                String name = it.next().path("name").asText();
                if (name.equals("MAILPIPE_WORKER_STATE_DIR") || name.equals("ledger")) {
                    it.remove();
                }
            }
        }
        return copy;
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
