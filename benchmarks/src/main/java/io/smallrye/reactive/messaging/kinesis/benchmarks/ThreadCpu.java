package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where a child JVM's CPU went: user and system ticks of its threads from {@code /proc/<pid>/task/<tid>/stat}, grouped
 * by thread name without its digits (e.g. {@code vert.x-eventloop-thread-#}), so that a run's line shows which threads
 * worked and how much of it was the kernel's (wake-ups, system calls). Threads that ended in between are not counted.
 */
final class ThreadCpu {

    private final Map<String, long[]> ticks;

    private ThreadCpu(Map<String, long[]> ticks) {
        this.ticks = ticks;
    }

    static ThreadCpu of(long pid) {
        Map<String, long[]> groups = new TreeMap<>();
        try (Stream<Path> threads = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            threads.forEach(task -> {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException | RuntimeException gone) {
                    return;
                }
                String group = group(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long[] sum = groups.computeIfAbsent(group, g -> new long[2]);
                sum[0] += Long.parseLong(fields[11]);
                sum[1] += Long.parseLong(fields[12]);
            });
        } catch (IOException | UncheckedIOException gone) {
            // the process ended
        }
        return new ThreadCpu(groups);
    }

    /**
     * CPU seconds (user + system) of the threads whose name starts with one of {@code prefixes} (as the kernel keeps
     * it: the first 15 characters; digits match any number, as in the groups).
     */
    double seconds(String... prefixes) {
        return ticks.entrySet().stream()
                .filter(e -> Stream.of(prefixes).map(ThreadCpu::group).anyMatch(e.getKey()::startsWith))
                .mapToLong(e -> e.getValue()[0] + e.getValue()[1]).sum() / 100.0;
    }

    private static String group(String threadName) {
        return threadName.replaceAll("[0-9]+", "#");
    }

    /**
     * What the threads did since {@code before}, per 1k records, largest first: {@code name=user+system} in ms, the
     * groups under 0.5 ms left out, then the totals.
     */
    String since(ThreadCpu before, long records) {
        double perThousand = 10.0 * 1000 / Math.max(records, 1); // ticks of 10 ms, per 1k records
        Map<String, long[]> delta = new TreeMap<>();
        ticks.forEach((group, now) -> {
            long[] then = before.ticks.getOrDefault(group, new long[2]);
            delta.put(group, new long[] { now[0] - then[0], now[1] - then[1] });
        });
        long user = delta.values().stream().mapToLong(d -> d[0]).sum();
        long system = delta.values().stream().mapToLong(d -> d[1]).sum();
        String groups = delta.entrySet().stream()
                .filter(e -> (e.getValue()[0] + e.getValue()[1]) * perThousand >= 0.5)
                .sorted((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
                .map(e -> String.format(Locale.ROOT, "%s=%.1f+%.1f", e.getKey().replace(' ', '_'),
                        e.getValue()[0] * perThousand, e.getValue()[1] * perThousand))
                .collect(Collectors.joining(" "));
        return String.format(Locale.ROOT, "user=%.1f system=%.1f ms/1k | %s", user * perThousand,
                system * perThousand, groups);
    }
}
