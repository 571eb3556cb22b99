package io.mailpipe.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.kafka.LocalKafkaBroker;
import io.mailpipe.worker.Worker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mailpipe run}: a worker until SIGTERM; then it drains in-flight sends and commits before it exits. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a mailpipe worker until SIGTERM (or Ctrl-C).")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    GlobalOptions global;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CliContext cli = CliContext.of(spec);
        MailpipeConfig cfg = cli.config("");
        if (!cfg.kafka().useLocalBroker()) {
            cli.connect(cfg.kafka()); // a broker that does not answer ends the start with one line, not minutes of retries
        }
        LocalKafkaBroker broker = null;
        if (cfg.kafka().useLocalBroker()) {
            Path dir = Path.of(cfg.worker().dataDir(), "kafka");
            LOG.warn("KAFKA_BOOTSTRAP_SERVERS is not set and kafka.bootstrapServers is empty: starting the local single-node "
                    + "Kafka broker (data in {}). Set KAFKA_BOOTSTRAP_SERVERS to use your cluster.", dir);
            try {
                broker = LocalKafkaBroker.start(dir).stopOnlyWhenClosed();
            } catch (RuntimeException e) {
                System.err.println("mailpipe: could not start the local Kafka broker: " + e.getMessage());
                return 1;
            }
            cfg = cfg.withKafka(cfg.kafka().withBootstrapServers(broker.bootstrapServers()));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Worker worker;
        try {
            worker = Worker.start(cfg);
        } catch (RuntimeException e) {
            System.err.println("mailpipe: could not start the worker: " + e.getMessage());
            LOG.debug("start-up failure", e);
            if (broker != null) {
                broker.close();
            }
            return 1;
        }
        LocalKafkaBroker localBroker = broker;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                worker.close();
                if (localBroker != null) {
                    localBroker.close();
                }
            } finally {
                stopped.countDown();
            }
        }, "mailpipe-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
