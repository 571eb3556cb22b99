package io.mailpipe.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Postfix's test programs: {@code smtp-sink} (the SMTP server of the load test) and {@code smtp-source} (baseline c),
 * both from the Debian package {@code postfix}. Only these two programs run; the postfix daemon is never started.
 */
final class Postfix {
    static final Path SMTP_SINK = Path.of("/usr/sbin/smtp-sink");
    static final Path SMTP_SOURCE = Path.of("/usr/sbin/smtp-source");

    private Postfix() {
    }

    static boolean installed() {
        return Files.isExecutable(SMTP_SINK) && Files.isExecutable(SMTP_SOURCE);
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Makes sure smtp-sink and smtp-source are there: installs the package with apt-get when allowed and running
     * as root, else fails with the command to run.
     */
    static void ensureInstalled(boolean mayInstall) {
        if (installed()) {
            return;
        }
        String how = "install the Debian package postfix: `"
                + (runningAsRoot() ? "" : "sudo ") + "env DEBIAN_FRONTEND=noninteractive apt-get install -y postfix`"
                + " (only its smtp-sink and smtp-source programs are used; the postfix daemon is not started)";
        if (!mayInstall || !runningAsRoot() || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            throw new IllegalStateException(SMTP_SINK + " or " + SMTP_SOURCE + " is missing: " + how);
        }
        System.out.println("smtp-sink is missing: installing the Debian package postfix with apt-get");
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of("apt-get", "install", "-y", "postfix")).inheritIO();
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !installed()) {
                p.destroyForcibly();
                throw new IllegalStateException("apt-get install postfix failed; " + how);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run apt-get (" + e.getMessage() + "); " + how, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing postfix", e);
        }
    }
}
