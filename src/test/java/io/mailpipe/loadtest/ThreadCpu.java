package io.mailpipe.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time of a process by thread, from Linux's /proc/PID/task/TID/stat (user + system, in clock ticks of 1/100 s), the
 * threads grouped by name with their numbers taken off ("GC Thread#0" and "GC Thread#1" are "GC Thread", "rocksdb:low0"
 * is "rocksdb:low"). Linux keeps 15 characters of a thread's name. Threads that ended are not counted.
 */
final class ThreadCpu {
    /** USER_HZ: the unit of utime and stime in /proc (100 on every Linux architecture Java runs on). */
    private static final double TICKS_PER_SECOND = 100;

    private ThreadCpu() {
    }

    /** Seconds of CPU per thread group of {@code pid}, largest first; empty when /proc cannot be read. */
    static Map<String, Double> byGroup(long pid) {
        Map<String, Double> seconds = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    seconds.merge(group(name(stat)), ticks(stat) / TICKS_PER_SECOND, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return seconds.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** The thread's name: between the first "(" and the last ")" (a name may itself hold parentheses or spaces). */
    static String name(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** utime + stime: fields 14 and 15 of the line, i.e. the 12th and 13th after the name. */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The name without the number that tells threads of one pool apart. */
    static String group(String name) {
        return name.replaceAll("[#\\-_ ]?\\d+$", "").trim();
    }

    /** "name 12.3 s, name 4.5 s, ..., others 1.2 s": the {@code top} largest groups and the rest. */
    static String describe(Map<String, Double> byGroup, int top) {
        if (byGroup.isEmpty()) {
            return "-";
        }
        List<Map.Entry<String, Double>> entries = List.copyOf(byGroup.entrySet());
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(top, entries.size()); i++) {
            sb.append(i == 0 ? "" : ", ").append(entries.get(i).getKey()).append(" ").append("%.1f".formatted(entries.get(i).getValue()))
                    .append(" s");
        }
        double rest = entries.stream().skip(top).mapToDouble(Map.Entry::getValue).sum();
        if (rest > 0) {
            sb.append(", others ").append("%.1f".formatted(rest)).append(" s");
        }
        return sb.toString();
    }
}
