package io.mailpipe.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.mailpipe.kafka.MailpipeHeaders;

/** README.md documents every reason code and every header of the contract (so code and docs cannot drift). */
class ReadmeContractTest {

    @Test
    void everyReasonCodeIsDocumentedWithItsStatus() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (ReasonCode code : ReasonCode.values()) {
            assertThat(readme).as("README row for " + code)
                    .contains("| " + code.status().name() + " | `" + code.code() + "` |");
        }
    }

    @Test
    void everyHeaderIsDocumented() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Arrays.stream(MailpipeHeaders.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && !f.getName().equals("PREFIX"))
                .forEach(f -> {
                    try {
                        String name = (String) f.get(null);
                        String shortForm = name.startsWith("mailpipe.dlq.source.") ? "." + name.substring("mailpipe.dlq.".length()) : name;
                        assertThat(readme).as("README mentions header " + name).containsAnyOf("`" + name + "`", shortForm + "`");
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                });
    }
}
