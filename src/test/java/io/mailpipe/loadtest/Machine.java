package io.mailpipe.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the numbers were measured on, and how busy the machine was (Linux /proc). */
final class Machine {
    private Machine() {
    }

    static String describe() {
        String cpu = firstLine(Path.of("/proc/cpuinfo"), "model name");
        String mem = firstLine(Path.of("/proc/meminfo"), "MemTotal");
        String memory = "?";
        if (mem != null) {
            String kb = mem.replaceAll("[^0-9]", "");
            memory = kb.isEmpty() ? mem : "%.1f GiB".formatted(Long.parseLong(kb) / 1024.0 / 1024.0);
        }
        return "%d CPUs (nproc), %s, %s memory, %s %s, JDK %s (%s)".formatted(
                Runtime.getRuntime().availableProcessors(), cpu == null ? "CPU model unknown" : cpu.replaceFirst(".*:\\s*", ""),
                memory, System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.name"));
    }

    /** The 1, 5 and 15 minute load averages, as {@code uptime} prints them. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Busy and total CPU jiffies of the whole machine (first line of /proc/stat), to compute utilisation between two reads. */
    record CpuTicks(long busy, long total) {
        static CpuTicks now() {
            try {
                String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
                String[] f = line.trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < f.length && i <= 8; i++) {
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                return new CpuTicks(total - idle, total);
            } catch (IOException | RuntimeException e) {
                return new CpuTicks(0, 0);
            }
        }

        /** Share of all CPUs busy since {@code earlier}, 0..1 (NaN if unknown). */
        double busySince(CpuTicks earlier) {
            long dt = total - earlier.total;
            return dt <= 0 ? Double.NaN : (double) (busy - earlier.busy) / dt;
        }
    }

    /**
     * The commit of the working directory and the tracked files changed since (the results file the driver appends to
     * does not count), or "?" outside a git checkout.
     */
    static String gitVersion(Path resultsFile) {
        String commit = git("rev-parse", "--short=10", "HEAD");
        if (commit == null) {
            return "?";
        }
        String status = git("status", "--porcelain", "--untracked-files=no");
        String skip = resultsFile == null ? null : resultsFile.normalize().toString();
        List<String> changed = status == null ? List.of() : status.lines().map(l -> l.substring(Math.min(3, l.length())).trim())
                .filter(f -> skip == null || !(f.equals(skip) || skip.endsWith("/" + f))).toList();
        return changed.isEmpty() ? commit : commit + " with uncommitted changes to " + String.join(", ", changed);
    }

    private static String git(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            // only trailing white space goes: `git status --porcelain` lines start with a status column that may be blank
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String firstLine(Path file, String prefix) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
