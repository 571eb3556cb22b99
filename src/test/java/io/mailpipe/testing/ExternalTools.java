package io.mailpipe.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * Programs some tests run for real (Debian packages): Prometheus and promtool ({@code prometheus}), Chromium
 * ({@code chromium}). A test skips with a message saying what to install when one is missing, unless its
 * {@code -Dmailpipe.requireX=true} flag is set (as .ci/run does): then it fails.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** The program's path, or a skip (or a failure when {@code requireProperty} is true). */
    public static Path require(String program, String debianPackage, String requireProperty) {
        Optional<Path> found = find(program);
        if (found.isEmpty()) {
            String message = program + " is not installed (Debian package " + debianPackage + "; .ci/run installs it)";
            if (Boolean.getBoolean(requireProperty)) {
                throw new AssertionError(message + " and -D" + requireProperty + "=true requires it");
            }
            Assumptions.assumeTrue(false, "skipped: " + message);
        }
        return found.get();
    }

    public static Optional<Path> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin:/usr/sbin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
