package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

/** Every provider fact says where it was read and when; the README's preset table shows the same servers and logins. */
class PresetFactsTest {

    @Test
    void everyFactHasASourceAndTheDayItWasChecked() {
        for (Preset p : Preset.values()) {
            p.facts().forEach((name, fact) -> {
                assertThat(fact.source()).as(p + " " + name).isNotBlank();
                assertThat(fact.on()).as(p + " " + name).isAfter(LocalDate.of(2026, 1, 1));
            });
            assertThat(p.login().methods()).as(p + " logins").isNotEmpty();
            if (p.login().methods().contains(Preset.LoginMethod.OAUTH2)) {
                assertThat(p.login().oauth2()).as(p + " token endpoint").isNotNull();
                assertThat(p.login().appRegistrations()).as(p + " where to register the app").startsWith("https://");
            }
            if (p.login().methods().contains(Preset.LoginMethod.APP_PASSWORD)) {
                assertThat(p.login().appPasswords()).as(p + " where to make an app password").startsWith("https://");
            }
        }
    }

    @Test
    void theReadmeTableShowsEachPresetsServerAndLogins() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (Preset p : Preset.values()) {
            String row = readme.lines().filter(l -> l.startsWith("| `" + p.configName() + "` |")).findFirst().orElse("");
            assertThat(row).as(p.configName()).contains(p.smtp().host(), String.valueOf(p.smtp().defaultPort()), p.imap().host());
            if (p.login().appPasswords() != null) {
                assertThat(row).as(p.configName()).contains("app password");
            }
            if (p.login().oauth2() != null) {
                assertThat(row).as(p.configName()).contains("OAuth2");
            }
        }
    }
}
