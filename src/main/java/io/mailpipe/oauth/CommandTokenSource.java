package io.mailpipe.oauth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Access tokens printed by an external program (a company's token broker, {@code gcloud auth print-access-token},
 * {@code oauth2ms}, ...): the first line of its standard output is the token, used for {@code lifetime}. Its standard
 * error is not read into messages (it might echo a secret); a program that fails says so by its exit status.
 */
public final class CommandTokenSource implements TokenSource {

    private static final int MAX_OUTPUT = 64 * 1024;

    private final List<String> command;
    private final Duration lifetime;
    private final Duration timeout;
    private final Clock clock;

    public CommandTokenSource(List<String> command, Duration lifetime, Duration timeout, Clock clock) {
        if (command == null || command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("the command must name a program");
        }
        this.command = List.copyOf(command);
        this.lifetime = lifetime;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public AccessToken fetch() throws TokenException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new TokenException(TokenException.Kind.REFUSED, "the token command " + describe() + " could not be started: "
                    + e.getClass().getSimpleName(), e);
        }
        try {
            process.getOutputStream().close();
            // read the output while waiting, so that a program that hangs (or prints a lot) cannot block past the timeout
            java.util.concurrent.CompletableFuture<byte[]> output = new java.util.concurrent.CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (InputStream out = process.getInputStream()) {
                    output.complete(out.readNBytes(MAX_OUTPUT));
                } catch (IOException | RuntimeException e) {
                    output.completeExceptionally(e);
                }
            }, "mailpipe-token-command");
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TokenException(TokenException.Kind.UNAVAILABLE, "the token command " + describe()
                        + " did not finish within " + timeout.toMillis() + " ms", null);
            }
            if (process.exitValue() != 0) {
                throw new TokenException(TokenException.Kind.REFUSED, "the token command " + describe() + " exited with status "
                        + process.exitValue(), null);
            }
            String text = new String(output.get(timeout.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8).strip();
            String token = text.lines().findFirst().orElse("").strip();
            if (token.isEmpty()) {
                throw new TokenException(TokenException.Kind.REFUSED, "the token command " + describe() + " printed no token", null);
            }
            return new AccessToken(token, clock.instant().plus(lifetime));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new TokenException(TokenException.Kind.UNAVAILABLE, "the token command " + describe() + " could not be read: "
                    + e.getClass().getSimpleName(), e);
        } catch (IOException e) {
            throw new TokenException(TokenException.Kind.UNAVAILABLE, "the token command " + describe() + " could not be"
                    + " written to: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException(TokenException.Kind.UNAVAILABLE, "interrupted while running the token command "
                    + describe(), e);
        } finally {
            process.destroyForcibly();
        }
    }

    /** The program (not its arguments, which may hold a secret). */
    @Override
    public String describe() {
        return "'" + command.get(0) + "'";
    }

    @Override
    public String toString() {
        return "CommandTokenSource[" + describe() + "]";
    }
}
