package io.mailpipe.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.KafkaConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mailpipe publish}: sends a JSON-lines file of requests to {@code mail.requests}, one record per line. */
@Command(name = "publish", mixinStandardHelpOptions = true, description = "Publish send requests (one JSON object per line) to the requests topic.")
final class PublishCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "JSON-lines file of requests; - reads standard input.")
    String file;

    @Mixin
    GlobalOptions global;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CliContext cli = CliContext.of(spec);
        KafkaSettings kafka = cli.kafka();
        List<String> lines;
        try {
            lines = file.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()
                    : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(CliException.USAGE, "file " + file + " not found");
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
        KafkaConnection connection = cli.connect(kafka);
        List<String> keys = RequestLines.publish(connection, kafka.topics().requests(), lines, cli.kafkaTimeout());
        cli.out().println("published " + keys.size() + " request(s) to " + kafka.topics().requests() + " on " + kafka.bootstrapServers());
        cli.out().flush();
        return 0;
    }
}
