package io.mailpipe.cli;

/**
 * A command cannot go on: its one-line message is printed after {@code mailpipe: } and the command exits with
 * {@link #exitCode()} (2: a mistake in what was asked or configured, 1: something outside is wrong, such as Kafka).
 */
final class CliException extends RuntimeException {
    static final int USAGE = 2;
    static final int UNAVAILABLE = 1;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
