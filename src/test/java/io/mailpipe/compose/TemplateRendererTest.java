package io.mailpipe.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Session;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.outcome.ReasonCode;

class TemplateRendererTest {

    @TempDir
    Path dir;
    TemplateRenderer renderer;

    @BeforeEach
    void templates() throws Exception {
        write("welcome", "subject.mustache", "Welcome, {{name}} & co");
        write("welcome", "text.mustache", "Hello {{name}},\n{{#items}}- {{title}}: {{price}}\n{{/items}}{{^vip}}Become VIP!{{/vip}}\n");
        write("welcome", "html.mustache", "<p>Hello {{name}}</p>{{{signature}}}");
        write("text-only", "subject.mustache", "Order {{order.id}}");
        write("text-only", "text.mustache", "Total {{order.total}}");
        write("broken", "subject.mustache", "Hi");
        write("broken", "text.mustache", "{{#items}} never closed");
        write("no-body", "subject.mustache", "Hi");
        renderer = new TemplateRenderer(dir);
    }

    private void write(String id, String file, String content) throws Exception {
        Files.createDirectories(dir.resolve(id));
        Files.writeString(dir.resolve(id).resolve(file), content, StandardCharsets.UTF_8);
    }

    private static Map<String, Object> vars(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private CompositionException failure(String id, Map<String, Object> vars) {
        try {
            renderer.render(new TemplateRef(id, vars));
        } catch (CompositionException e) {
            return e;
        }
        throw new AssertionError("expected a CompositionException");
    }

    @Test
    void rendersSubjectTextAndHtmlEscapingOnlyHtml() throws Exception {
        TemplateRenderer.Rendered r = renderer.render(new TemplateRef("welcome", vars(
                "name", "Анна <O'Neil>",
                "items", List.of(vars("title", "Чайник", "price", 1990), vars("title", "Кружка", "price", 350.5)),
                "vip", false,
                "signature", "<b>Shop</b>")));

        assertThat(r.subject()).isEqualTo("Welcome, Анна <O'Neil> & co");
        assertThat(r.text()).isEqualTo("Hello Анна <O'Neil>,\n- Чайник: 1990\n- Кружка: 350.5\nBecome VIP!\n");
        assertThat(r.html()).isEqualTo("<p>Hello Анна &lt;O&#39;Neil&gt;</p><b>Shop</b>");
    }

    @Test
    void dottedNamesAndTextOnlyTemplates() throws Exception {
        TemplateRenderer.Rendered r = renderer.render(new TemplateRef("text-only", vars("order", vars("id", "A-7", "total", "12 €"))));
        assertThat(r.subject()).isEqualTo("Order A-7");
        assertThat(r.text()).isEqualTo("Total 12 €");
        assertThat(r.html()).isNull();
    }

    @Test
    void aMissingOrNullVariableIsRejectedNamingIt() {
        CompositionException missing = failure("welcome", vars("items", List.of(), "signature", ""));
        assertThat(missing.reason()).isEqualTo(ReasonCode.TEMPLATE_VARIABLE_MISSING);
        assertThat(missing.field()).isEqualTo("template.vars.name");

        CompositionException isNull = failure("welcome", vars("name", null, "signature", ""));
        assertThat(isNull.reason()).isEqualTo(ReasonCode.TEMPLATE_VARIABLE_MISSING);
        assertThat(isNull.field()).isEqualTo("template.vars.name");

        CompositionException inSection = failure("welcome", vars("name", "A", "signature", "",
                "items", List.of(vars("title", "no price"))));
        assertThat(inSection.field()).isEqualTo("template.vars.price");
        assertThat(inSection.getMessage()).doesNotContain("no price");
    }

    @Test
    void unknownTemplatesAndBadIdsAreUnknown() {
        assertThat(failure("nope", vars()).reason()).isEqualTo(ReasonCode.UNKNOWN_TEMPLATE);
        assertThat(failure("../welcome", vars()).reason()).isEqualTo(ReasonCode.UNKNOWN_TEMPLATE);
        assertThat(failure("no-body", vars()).reason()).isEqualTo(ReasonCode.UNKNOWN_TEMPLATE);
        assertThat(failure("no-body", vars()).getMessage()).contains("neither text.mustache nor html.mustache");
    }

    @Test
    void aTemplateThatDoesNotCompileIsATemplateError() {
        CompositionException e = failure("broken", vars("items", List.of()));
        assertThat(e.reason()).isEqualTo(ReasonCode.TEMPLATE_ERROR);
        assertThat(e.getMessage()).contains("broken/text.mustache");
    }

    @Test
    void aSubjectThatRendersToSeveralLinesIsRefused() {
        CompositionException e = failure("text-only", vars("order", vars("id", "1\r\nBcc: all@example.org", "total", 1)));
        assertThat(e.reason()).isEqualTo(ReasonCode.HEADER_INJECTION);
    }

    @Test
    void anEditedTemplateIsCompiledAgain() throws Exception {
        assertThat(renderer.render(new TemplateRef("text-only", vars("order", vars("id", 1, "total", 2)))).text())
                .isEqualTo("Total 2");
        Path text = dir.resolve("text-only").resolve("text.mustache");
        Files.writeString(text, "Sum {{order.total}}");
        Files.setLastModifiedTime(text, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(renderer.render(new TemplateRef("text-only", vars("order", vars("id", 1, "total", 2)))).text())
                .isEqualTo("Sum 2");
    }

    @Test
    void theComposerRendersTemplatesAndRefusesThemWithoutAFolder() throws Exception {
        Account account = new Account("t", "h", 25, Security.NONE, null, null, "shop@shop.example", false, Limits.NONE,
                null, null, java.time.Duration.ofSeconds(5));
        Session session = Session.getInstance(new Properties());
        MessageSpec spec = TestSpec.spec("tpl-1").template("text-only", vars("order", vars("id", "B-1", "total", 3))).build();

        ComposedMessage composed = new MessageComposer(java.time.Clock.systemUTC(), renderer, Map.of())
                .compose(spec, account, session);
        assertThat(composed.message().getSubject()).isEqualTo("Order B-1");
        assertThat(composed.message().getContent()).isEqualTo("Total 3");

        assertThatThrownBy(() -> new MessageComposer().compose(spec, account, session))
                .isInstanceOfSatisfying(CompositionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.UNKNOWN_TEMPLATE));
    }
}
