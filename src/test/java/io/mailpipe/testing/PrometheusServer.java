package io.mailpipe.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Prometheus process (Debian package prometheus) for a test: a generated configuration that scrapes the given
 * targets every second and evaluates the given rule file every second, a free port, its data in the test's folder.
 * Queries go through its HTTP API.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @param dir       folder for its configuration, data and log
     * @param rules     rule file to evaluate
     * @param targets   host:port of /observe/metrics endpoints
     */
    public static PrometheusServer start(Path binary, Path dir, Path rules, List<String> targets) throws IOException {
        int port = ScriptedSmtpServer.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: ['%s']
                scrape_configs:
                  - job_name: mailpipe
                    metrics_path: /observe/metrics
                    static_configs: [{targets: [%s]}]
                """.formatted(rules.toAbsolutePath(), String.join(", ", targets.stream().map(t -> "'" + t + "'").toList())));
        Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config.toAbsolutePath(),
                "--storage.tsdb.path=" + dir.resolve("data").toAbsolutePath(), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn").redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(p, port);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> server.get("/-/ready").statusCode() == 200);
        return server;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The result array of an instant query (throws on a query error such as a syntax error). */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(r.body());
        if (!"success".equals(body.path("status").asText())) {
            throw new IllegalArgumentException(promql + ": " + body.path("error").asText());
        }
        return body.path("data").path("result");
    }

    /** The alerts Prometheus holds now (pending and firing). */
    public JsonNode alerts() throws IOException, InterruptedException {
        return JSON.readTree(get("/api/v1/alerts").body()).path("data").path("alerts");
    }

    /** Whether the scrape of every target succeeded last time. */
    public boolean targetsUp() throws IOException, InterruptedException {
        JsonNode up = query("up");
        if (up.isEmpty()) {
            return false;
        }
        for (JsonNode s : up) {
            if (!"1".equals(s.path("value").get(1).asText())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
