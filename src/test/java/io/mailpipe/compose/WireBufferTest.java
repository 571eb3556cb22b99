package io.mailpipe.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;

class WireBufferTest {

    @Test
    void keepsEveryByteInOrderWhateverTheMixOfWritesAndGrowth() {
        Random random = new Random(7);
        WireBuffer buffer = new WireBuffer(1);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 2_000; i++) {
            if (random.nextBoolean()) {
                int b = random.nextInt(256);
                buffer.write(b);
                expected.write(b);
            } else {
                byte[] chunk = new byte[random.nextInt(300)];
                random.nextBytes(chunk);
                int off = chunk.length == 0 ? 0 : random.nextInt(chunk.length);
                buffer.write(chunk, off, chunk.length - off);
                expected.write(chunk, off, chunk.length - off);
            }
        }
        assertThat(buffer.toByteArray()).isEqualTo(expected.toByteArray());
    }

    @Test
    void refusesARangeOutsideTheArray() {
        assertThatThrownBy(() -> new WireBuffer(8).write(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
