package io.mailpipe.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The production logback.xml writes one JSON object per line, with request id and account when set. */
class JsonLogTest {

    @Test
    void oneJsonObjectPerLineWithRequestAndAccount() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(getClass().getClassLoader().getResource("logback.xml"));
            Logger log = context.getLogger("io.mailpipe.worker.PublishOutcomeProcessor");
            LogContext.set("order-42", "shop-mailru");
            log.info("request={} account={} outcome: {}", "order-42", "shop-mailru", "SENT accepted smtp=250 attempt=1");
            log.warn("dead-lettered after an unexpected error", new IllegalStateException("line one\nline two"));
            LogContext.clear();
            log.info("mailpipe worker started");
            context.getLogger("org.apache.kafka.clients.NetworkClient").info("library chatter below WARN is dropped");
        } finally {
            context.stop();
            System.setErr(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("requestId").asText()).isEqualTo("order-42");
        assertThat(first.path("account").asText()).isEqualTo("shop-mailru");
        assertThat(first.path("message").asText()).contains("outcome: SENT");
        assertThat(first.has("time")).isTrue();
        assertThat(first.path("logger").asText()).endsWith("PublishOutcomeProcessor");
        JsonNode second = json.readTree(lines.get(1));
        assertThat(second.path("stack_trace").asText()).contains("IllegalStateException", "line two");
        JsonNode third = json.readTree(lines.get(2));
        assertThat(third.has("requestId")).isFalse();
        assertThat(third.has("account")).isFalse();
    }
}
