package io.mailpipe.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.config.ConfigException;
import io.mailpipe.config.ManagementSettings;

/**
 * The management port: a small HTTP server (the JDK's own) that serves
 * <ul>
 *   <li>{@code GET /observe/metrics}: every metric in the Prometheus text format;</li>
 *   <li>{@code GET /observe/health/live}: 200 while the process works, else 503 (Kubernetes liveness probe);</li>
 *   <li>{@code GET /observe/health/ready}: 200 when ready (see {@link Health}), else 503 (readiness probe);</li>
 *   <li>{@code GET /observe/health}: the whole report as JSON, 200 when ready, else 503.</li>
 * </ul>
 * Bodies of health answers are JSON: {@code {"status":"UP","checks":{"started":true,"kafka":true,
 * "accounts":{"shop":true}}}}. Nothing secret is ever served.
 */
public final class ManagementServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String METRICS_PATH = "/observe/metrics";
    public static final String HEALTH_PATH = "/observe/health";
    public static final String LIVE_PATH = "/observe/health/live";
    public static final String READY_PATH = "/observe/health/ready";

    private final HttpServer server;
    private final ExecutorService executor;

    private ManagementServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds and starts serving; a port that is taken fails with a message naming the setting. */
    public static ManagementServer start(ManagementSettings settings, MailpipeMetrics metrics, Health health) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 16);
        } catch (IOException e) {
            throw new ConfigException("management.port: cannot listen on " + settings.host() + ":" + settings.port() + " ("
                    + e.getMessage() + "); choose another port or free this one");
        }
        server.createContext(METRICS_PATH, ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        server.createContext(LIVE_PATH, ex -> {
            Health.Report r = health.report();
            respond(ex, r.live() ? 200 : 503, "application/json", JSON.writeValueAsString(
                    JSON.createObjectNode().put("status", r.live() ? "UP" : "DOWN")));
        });
        server.createContext(READY_PATH, ex -> health(ex, health.report()));
        server.createContext(HEALTH_PATH, ex -> {
            if (!ex.getRequestURI().getPath().equals(HEALTH_PATH)) {
                respond(ex, 404, "text/plain", "not found");
                return;
            }
            health(ex, health.report());
        });
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "mailpipe-management");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        LOG.info("Management server on {}:{} ({}, {})", settings.host(), server.getAddress().getPort(), METRICS_PATH, HEALTH_PATH);
        return new ManagementServer(server, executor);
    }

    /** The port actually bound (differs from the setting when that is 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange ex, Health.Report r) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("status", r.ready() ? "UP" : "DOWN");
        ObjectNode checks = body.putObject("checks");
        checks.put("live", r.live());
        checks.put("started", r.started());
        checks.put("kafka", r.kafka());
        ObjectNode accounts = checks.putObject("accounts");
        r.accounts().forEach(accounts::put);
        // the consumers have been given their partitions; partitions of mail.outcomes whose delivery-ledger state is
        // still being restored (empty: none)
        checks.put("ledgerAssigned", r.ledgerAssigned());
        var restoring = checks.putArray("ledgerRestoring");
        r.restoringPartitions().forEach(restoring::add);
        if (!r.loginErrors().isEmpty()) {
            ObjectNode errors = checks.putObject("loginErrors");
            r.loginErrors().forEach(errors::put);
        }
        respond(ex, r.ready() ? 200 : 503, "application/json", JSON.writeValueAsString(body));
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            if ("HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
