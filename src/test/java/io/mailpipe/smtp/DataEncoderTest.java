package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class DataEncoderTest {

    private static String encode(String... chunks) {
        DataEncoder encoder = new DataEncoder(8);
        for (String chunk : chunks) {
            byte[] b = chunk.getBytes(StandardCharsets.ISO_8859_1);
            encoder.write(b, 0, b.length);
        }
        encoder.finish();
        return new String(Arrays.copyOf(encoder.array(), encoder.size()), StandardCharsets.ISO_8859_1);
    }

    @Test
    void doublesADotAtTheStartOfEveryLine() {
        assertThat(encode(".first\r\nmid.dle\r\n.\r\n..two\r\n")).isEqualTo("..first\r\nmid.dle\r\n..\r\n...two\r\n.\r\n");
    }

    @Test
    void normalisesBareLineEndsToCrlf() {
        assertThat(encode("a\nb\rc\r\nd\n\ne")).isEqualTo("a\r\nb\r\nc\r\nd\r\n\r\ne\r\n.\r\n");
    }

    @Test
    void dotAfterABareLineEndIsStuffedToo() {
        assertThat(encode("a\n.b\r.c")).isEqualTo("a\r\n..b\r\n..c\r\n.\r\n");
    }

    @Test
    void lineEndsAndDotsSplitAcrossWritesAreHandled() {
        assertThat(encode("a\r", "\n.", "b\r", "x", "\r", "")).isEqualTo("a\r\n..b\r\nx\r\n.\r\n");
        assertThat(encode("line\r\n", ".", "\r\n")).isEqualTo("line\r\n..\r\n.\r\n");
    }

    @Test
    void addsTheMissingLastLineEndOnlyOnce() {
        assertThat(encode("no end")).isEqualTo("no end\r\n.\r\n");
        assertThat(encode("with end\r\n")).isEqualTo("with end\r\n.\r\n");
        assertThat(encode()).isEqualTo(".\r\n");
    }

    @Test
    void notesEightBitBytes() {
        DataEncoder encoder = new DataEncoder(8);
        encoder.write("ascii\r\n".getBytes(StandardCharsets.US_ASCII), 0, 7);
        assertThat(encoder.eightBit()).isFalse();
        byte[] utf8 = "Привет\r\n".getBytes(StandardCharsets.UTF_8);
        encoder.write(utf8, 0, utf8.length);
        assertThat(encoder.eightBit()).isTrue();
        encoder.reset();
        assertThat(encoder.eightBit()).isFalse();
        assertThat(encoder.size()).isZero();
    }

    @Test
    void largeMessageIsCopiedWhole() {
        String line = "x".repeat(76) + "\r\n";
        String body = line.repeat(20_000);
        assertThat(encode(body)).isEqualTo(body + ".\r\n");
    }

    @Test
    void byteByByteWritesGiveTheSameBytes() {
        String[] samples = {".first\r\nmid.dle\r\n.\r\n..two\r\n", "a\nb\rc\r\nd\n\ne", "a\n.b\r.c", "x\r", "Привет.\n.", ""};
        for (String sample : samples) {
            byte[] bytes = sample.getBytes(StandardCharsets.UTF_8);
            DataEncoder single = new DataEncoder(1);
            for (byte b : bytes) {
                single.write(b);
            }
            single.finish();
            DataEncoder bulk = new DataEncoder(1);
            bulk.write(bytes, 0, bytes.length);
            bulk.finish();
            assertThat(Arrays.copyOf(single.array(), single.size())).as(sample).isEqualTo(Arrays.copyOf(bulk.array(), bulk.size()));
            assertThat(single.eightBit()).isEqualTo(bulk.eightBit());
        }
    }
}
