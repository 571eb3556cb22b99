package io.mailpipe.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.mailpipe.config.ConfigException;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mailpipe publish}: sends a JSON-lines file of requests to {@code mail.requests}, one record per line. */
@Command(name = "publish", description = "Publish send requests (one JSON object per line) to the requests topic.")
final class PublishCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "JSON-lines file of requests; - reads standard input.")
    String file;

    @Option(names = {"-c", "--config"}, description = "Configuration file for broker and topic names (default: mailpipe.yaml if it exists).")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka brokers (default: the configuration's, else KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Override
    public Integer call() throws Exception {
        KafkaSettings kafka;
        try {
            Path cfg = config != null ? config : Path.of("mailpipe.yaml");
            kafka = config != null || Files.isReadable(cfg) ? MailpipeConfig.load(cfg).kafka() : KafkaSettings.defaults();
        } catch (ConfigException e) {
            System.err.println("mailpipe: " + e.getMessage());
            return 2;
        }
        String servers = bootstrapServers != null ? bootstrapServers : kafka.bootstrapServers();
        if (servers.isBlank()) {
            System.err.println("mailpipe: no broker: pass --bootstrap-servers, set KAFKA_BOOTSTRAP_SERVERS, or name one in the configuration");
            return 2;
        }
        List<String> lines = file.equals("-")
                ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()
                : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        List<String> keys = RequestLines.publish(kafka.withBootstrapServers(servers).connection(), kafka.topics().requests(), lines);
        System.out.println("published " + keys.size() + " request(s) to " + kafka.topics().requests() + " on " + servers);
        return 0;
    }
}
