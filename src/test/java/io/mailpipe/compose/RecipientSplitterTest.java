package io.mailpipe.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class RecipientSplitterTest {

    @Test
    void withinTheLimitOrWithoutOneTheSpecStaysWhole() {
        MessageSpec spec = TestSpec.spec("r").to("a@x.org", "b@x.org").cc("A@x.org").build();
        assertThat(RecipientSplitter.split(spec, 2)).containsExactly(spec);
        assertThat(RecipientSplitter.split(spec, null)).containsExactly(spec);
        assertThat(RecipientSplitter.distinctRecipients(spec)).isEqualTo(2);
    }

    @Test
    void partsKeepOrderKindAndAtMostTheLimit() {
        MessageSpec spec = TestSpec.spec("r").to("a@x.org", "Bee <b@x.org>", "c@x.org").cc("d@x.org", "C@X.org")
                .bcc("e@x.org").build();
        List<MessageSpec> parts = RecipientSplitter.split(spec, 2);

        assertThat(parts).hasSize(3);
        assertThat(parts).extracting(MessageSpec::part).containsExactly(1, 2, 3);
        assertThat(parts.get(0).to()).containsExactly("a@x.org", "Bee <b@x.org>");
        assertThat(parts.get(1).to()).containsExactly("c@x.org");
        assertThat(parts.get(1).cc()).containsExactly("d@x.org");
        assertThat(parts.get(2).to()).isEmpty();
        assertThat(parts.get(2).bcc()).containsExactly("e@x.org");
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.subject()).isEqualTo(spec.subject());
            assertThat(p.requestId()).isEqualTo("r");
        });
        assertThat(RecipientSplitter.split(spec, 2)).as("the same split every time").isEqualTo(parts);
    }
}
