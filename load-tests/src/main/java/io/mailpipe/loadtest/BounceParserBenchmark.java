package io.mailpipe.loadtest;

import io.mailpipe.bounce.BounceParser;
import io.mailpipe.bounce.ParseResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Throughput of {@link BounceParser#parse(byte[])} over the bounce corpus: every invocation parses
 * the next corpus message (all 476 in turn, read into memory first), so the score is messages per
 * second. The corpus folder comes from the system property {@code mailpipe.bouncesDir}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BounceParserBenchmark {
    private final BounceParser parser = new BounceParser();
    private byte[][] messages;
    private int next;

    @Setup(Level.Trial)
    public void loadCorpus() {
        Path dir = Path.of(System.getProperty("mailpipe.bouncesDir", "../../shared/bounces")).resolve("eml");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("bounce corpus not found at " + dir.toAbsolutePath().normalize()
                    + ": pass -Dmailpipe.bouncesDir=/path/to/bounces");
        }
        List<byte[]> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".eml")).sorted().toList()) {
                all.add(Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        messages = all.toArray(new byte[0][]);
    }

    /** Parses one message; returns the result so the JIT cannot drop the work. */
    @Benchmark
    public ParseResult parseOneMessage() {
        byte[] m = messages[next];
        next = next + 1 == messages.length ? 0 : next + 1;
        return parser.parse(m);
    }
}
