package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailpipe.account.Security;

/** The documented example configurations parse, and say what they claim. */
class ExampleConfigTest {

    @Test
    void exampleConfigurationParses() throws Exception {
        Path passwordFile = Files.createTempFile("pw", ".txt");
        Files.writeString(passwordFile, "secret\n");
        String yaml = Files.readString(Path.of("mailpipe.example.yaml")).replace("/run/secrets/shop-gmail-password", passwordFile.toString());
        MailpipeConfig config = MailpipeConfig.parse(yaml,
                Map.of("SHOP_MAILRU_PASSWORD", "pw1", "RELAY_PASSWORD", "pw2", "KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                        "BOUNCES_PASSWORD", "pw3", "SHOP_O365_CLIENT_SECRET", "cs")::get,
                "mailpipe.example.yaml");
        assertThat(config.kafka().bootstrapServers()).isEqualTo("k:9092");
        assertThat(config.accounts()).extracting(a -> a.name()).containsExactly("shop-mailru", "shop-gmail", "shop-o365", "relay");
        assertThat(config.accounts().get(0).host()).isEqualTo("smtp.mail.ru");
        assertThat(config.accounts().get(0).security()).isEqualTo(Security.SSL);
        assertThat(config.accounts().get(1).security()).isEqualTo(Security.STARTTLS);
        assertThat(config.accounts().get(1).password()).isEqualTo("secret");
        assertThat(config.accounts().get(2).usesOAuth2()).isTrue();
        assertThat(config.accounts().get(2).host()).isEqualTo("smtp.office365.com");
        assertThat(config.accounts().get(3).maxRecipients()).isEqualTo(50);
        assertThat(config.bounces()).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("main");
            assertThat(m.tls()).isTrue();
            assertThat(m.password()).isEqualTo("pw3");
        });
        assertThat(config.suppression().enabled()).isTrue();
        assertThat(config.kafka().topics().suppressions()).isEqualTo("mail.suppressions");
        assertThat(config.management().port()).isEqualTo(ManagementSettings.DEFAULT_PORT);
        assertThat(config.management().probeInterval()).isEqualTo(java.time.Duration.ofSeconds(15));
        assertThat(config.kafka().topics().replays()).isEqualTo("mail.replays");
        assertThat(config.cli()).as("the example shows the defaults of cli:").isEqualTo(CliSettings.defaults());
        assertThat(config.management().backlogInterval()).isEqualTo(ManagementSettings.defaults().backlogInterval());
        assertThat(config.accounts().get(3).blockedExtensions()).containsExactly("exe", "bat", "scr", "js");
        assertThat(config.compose().campaigns()).containsKey("november-news");
        assertThat(config.compose().composer(java.time.Clock.systemUTC())).as("campaign links are valid").isNotNull();
    }

    @Test
    void managementDefaultsAndOverrides() {
        String yaml = "accounts: [{name: a, host: h, port: 25, security: none, from: a@h.example}]\n";
        MailpipeConfig defaults = MailpipeConfig.parse(yaml, k -> null, "t.yaml");
        assertThat(defaults.management()).isEqualTo(ManagementSettings.defaults());
        assertThat(defaults.management().port()).isEqualTo(8081);
        MailpipeConfig overridden = MailpipeConfig.parse(yaml + "management: {port: 9000, probeInterval: PT2S}\n",
                Map.of("MAILPIPE_MANAGEMENT_HOST", "127.0.0.1")::get, "t.yaml");
        assertThat(overridden.management().port()).isEqualTo(9000);
        assertThat(overridden.management().host()).isEqualTo("127.0.0.1");
        assertThat(overridden.management().probeInterval()).isEqualTo(java.time.Duration.ofSeconds(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MailpipeConfig.parse(yaml + "management: {port: 70000}\n", k -> null, "t.yaml"))
                .hasMessageContaining("management.port");
    }

    @Test
    void demoConfigurationParses() throws Exception {
        MailpipeConfig config = MailpipeConfig.parse(Files.readString(Path.of("examples/demo.yaml")),
                Map.of("DEMO_SMTP_PORT", "2525", "DEMO_IMAP_PORT", "1143", "DEMO_THROTTLED_PORT", "2526")::get,
                "examples/demo.yaml");
        assertThat(config.accounts()).extracting(a -> a.name() + ":" + a.port())
                .containsExactly("shop-mailru:2525", "shop-yandex:2525", "shop-rambler:2526", "relay:2525");
        assertThat(config.bounces()).singleElement().satisfies(m -> assertThat(m.port()).isEqualTo(1143));
    }

    @Test
    void exampleRequestsAreValidExceptTheTwoDeliberatelyBadOnes() throws Exception {
        io.mailpipe.request.RequestReader reader = new io.mailpipe.request.RequestReader(1 << 20);
        java.util.List<String> rejected = new java.util.ArrayList<>();
        java.util.List<String> lines = Files.readAllLines(Path.of("examples/requests.jsonl")).stream().filter(l -> !l.isBlank()).toList();
        for (String line : lines) {
            try {
                reader.read(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (io.mailpipe.request.InvalidRequestException e) {
                rejected.add(e.reasonCode().code());
            }
        }
        assertThat(lines).hasSizeGreaterThanOrEqualTo(20);
        assertThat(rejected).containsExactlyInAnyOrder("header_injection", "malformed_json");
    }
}
