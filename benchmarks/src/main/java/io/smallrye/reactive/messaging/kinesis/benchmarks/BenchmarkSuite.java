package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every benchmark of the module in one go and prints one table, also written to {@code target/results.md}:
 * <ol>
 * <li>JMH, stub client: the connector's own cost per record (records/s, bytes allocated per record), producing and
 * consuming;</li>
 * <li>end to end against kinesalite, then kinesis-mock: producer throughput of the connector with and without
 * aggregation, the KPL with aggregation and a plain SDK loop, with the ratios to the KPL;</li>
 * <li>the producer's live heap under sustained overload, against its buffer bound;</li>
 * <li>consumer latency at 200 records/s, ours and the KCL 3.1.1 (its defaults, and its idle time set to our poll
 * interval), with the ratios;</li>
 * <li>threads, heap and CPU of an idle consumer on 2 and 200 shards, ours and the KCL;</li>
 * <li>enhanced fan-out: latency at 50 and 200 records/s on kinesis-mock (ours, the KCL's fan-out, our polling), our
 * fan-out's own overhead on an in-process push client, an idle fan-out consumer on 2 and 200 shards.</li>
 * </ol>
 * Arguments, all optional, as {@code name=value}: {@code jmh}, {@code e2e}, {@code mock}, {@code heap} (true/false,
 * which parts run), {@code seconds} (measured seconds per end-to-end client, 30), {@code warmup} (seconds before
 * measuring, 5), {@code mock-seconds} (measured seconds on kinesis-mock, 20), {@code heap-seconds} (15),
 * {@code jmh-iterations} (5), {@code jmh-warmups} (3), {@code jmh-seconds} (2 per iteration), {@code jmh-include}
 * (a regular expression of benchmarks), {@code clients} (of the end-to-end runs: ours-agg,ours,kpl,sdk),
 * {@code latency}, {@code scale}, {@code kcl} (true/false), {@code latency-seconds} (20), {@code scale-small} (2),
 * {@code scale-large} (200), {@code fanout} (true/false), {@code fanout-seconds} (20, measured seconds per fan-out
 * latency run), {@code fanout-rates} (50,200); {@code app} (false: the packaged application as users run it,
 * {@link AppBench}, with its own {@code app-*} arguments).
 */
public final class BenchmarkSuite {

    private BenchmarkSuite() {
    }

    public static void main(String[] args) throws Exception {
        BenchLogging.warningsOnly();
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Arguments are name=value, not " + arg);
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        long started = System.nanoTime();
        String loadBefore = loadAverage();
        StringBuilder report = new StringBuilder();

        List<String[]> jmhRows = new ArrayList<>();
        if (flag(options, "jmh")) {
            jmhRows = JmhRows.run(options.getOrDefault("jmh-include", JmhRows.DEFAULT_INCLUDE),
                    integer(options, "jmh-warmups", 3), integer(options, "jmh-iterations", 5),
                    integer(options, "jmh-seconds", 2));
        }
        List<EndToEnd.Result> e2e = new ArrayList<>();
        OverloadHeap.Result heap = null;
        ConsumerRuns consumers = new ConsumerRuns();
        if (flag(options, "e2e") || flag(options, "heap") || flag(options, "latency") || flag(options, "scale")
                || flag(options, "fanout")) {
            Duration warmUp = Duration.ofSeconds(integer(options, "warmup", 5));
            String clients = options.getOrDefault("clients", "ours-agg,ours,kpl,sdk");
            if (flag(options, "e2e")) {
                e2e.addAll(producers(new EndToEnd(Target.KINESALITE, Target::kinesalite, warmUp,
                        Duration.ofSeconds(integer(options, "seconds", 30))), clients));
            }
            if (flag(options, "heap")) {
                try (Target kinesalite = Target.kinesalite()) {
                    heap = OverloadHeap.run(kinesalite, Duration.ofSeconds(integer(options, "heap-seconds", 15)));
                }
            }
            if (flag(options, "latency")) {
                consumers.latency(Duration.ofSeconds(integer(options, "latency-seconds", 20)), flag(options, "kcl"));
            }
            if (flag(options, "scale")) {
                consumers.scale(integer(options, "scale-small", 2), integer(options, "scale-large", 200),
                        flag(options, "kcl"));
            }
            if (flag(options, "fanout")) {
                consumers.fanOut(Duration.ofSeconds(integer(options, "fanout-seconds", 20)),
                        Arrays.stream(options.getOrDefault("fanout-rates", "50,200").split(",")).map(String::trim)
                                .map(Integer::valueOf).toList(),
                        flag(options, "kcl"), integer(options, "scale-small", 2), integer(options, "scale-large", 200));
            }
            if (flag(options, "e2e") && flag(options, "mock")) {
                e2e.addAll(producers(new EndToEnd(Target.KINESIS_MOCK, Target::kinesisMock, warmUp,
                        Duration.ofSeconds(integer(options, "mock-seconds", 20))), clients));
            }
        }

        report.append("# smallrye-kinesis benchmarks\n\n");
        report.append(String.format(Locale.ROOT, "- date: %s%n- machine: %d cores (%s), %s MiB max heap; %s %s %s%n"
                + "- JDK: %s %s%n- load average (1, 5, 15 min) before: %s; after: %s (other builds share the machine:"
                + " see README)%n- duration: %d s%n%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                Runtime.getRuntime().availableProcessors(), cpuModel(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), loadBefore,
                loadAverage(), Duration.ofNanos(System.nanoTime() - started).toSeconds()));

        if (!jmhRows.isEmpty()) {
            report.append("## 1. Connector overhead (JMH, stub client, 100-byte records, random partition keys)\n\n");
            report.append(JmhRows.HEADER);
            for (String[] row : jmhRows) {
                report.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
            report.append("\nTargets: produce 500,000 records/s (the sender validates, the channel's context batches,"
                    + " sends and acks), consume 1,000,000 records/s (the channel's event loop does all the work of"
                    + " a record; 100 shards, so that Kinesis' 5 calls/s per shard are no limit). × target = records/s"
                    + " ÷ target. Bytes / record: JMH `-prof gc` (gc.alloc.rate.norm), all threads.\n\n");
        }
        if (!e2e.isEmpty()) {
            report.append("## 2. End to end: producer throughput, 4 shards, 100-byte records\n\n");
            String emulator = null;
            double kpl = 0;
            for (EndToEnd.Result result : e2e) {
                if (!result.emulator().equals(emulator)) {
                    emulator = result.emulator();
                    kpl = e2e.stream().filter(r -> r.emulator().equals(result.emulator())
                            && r.client().startsWith("KPL")).mapToDouble(EndToEnd.Result::perSecond).findFirst()
                            .orElse(0);
                    report.append(String.format(Locale.ROOT, "%n### %s, %.0f s measured per client%n%n", emulator,
                            result.seconds()));
                    report.append("| client | user records/s acked | ratio to KPL | failed | setup |\n");
                    report.append("|---|---:|---:|---:|---|\n");
                }
                report.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %,d | %s |%n", result.client(),
                        result.perSecond(), kpl > 0 ? String.format(Locale.ROOT, "%.2f", result.perSecond() / kpl)
                                : "n/a",
                        result.failed(), result.note()));
            }
            report.append("\n");
        }
        if (heap != null) {
            report.append("## 3. Producer heap under sustained overload\n\n");
            StringBuilder samples = new StringBuilder();
            for (long live : heap.samples()) {
                samples.append(samples.length() == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%.1f", (live - heap.baselineBytes()) / 1048576.0));
            }
            report.append(String.format(Locale.ROOT, "%s, 1 KiB records offered as fast as the channel asks for them"
                    + " for %.0f s (%,d acked), max-buffered-bytes = %.1f MiB, other settings default. Live heap after"
                    + " a full GC, every second, in MiB over the %.1f MiB before sending: %s. Largest: **%.1f MiB**"
                    + " (held records cost more than their bytes, and the SDK's request bodies in flight come on"
                    + " top: see README).%n%n", heap.emulator(), heap.seconds(), heap.acked(),
                    heap.bufferBoundBytes() / 1048576.0, heap.baselineBytes() / 1048576.0, samples,
                    heap.growth() / 1048576.0));
        }

        report.append(consumers.report());
        if (Boolean.parseBoolean(options.getOrDefault("app", "false"))) {
            report.append(new AppBench(options).run());
        }

        String text = report.toString();
        System.out.println();
        System.out.println(text);
        Path out = Path.of("target", "results.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text);
        System.out.println("Written to " + out.toAbsolutePath());
        // the SDK's and Weld's non-daemon threads must not keep the JVM alive
        System.exit(0);
    }

    private static List<EndToEnd.Result> producers(EndToEnd run, String clients) {
        List<String> chosen = List.of(clients.split(","));
        List<EndToEnd.Result> results = new ArrayList<>();
        if (chosen.contains("ours-agg")) {
            results.add(print(run.run(e2e -> e2e.ours(true))));
        }
        if (chosen.contains("ours")) {
            results.add(print(run.run(e2e -> e2e.ours(false))));
        }
        if (chosen.contains("kpl")) {
            results.add(print(run.run(EndToEnd::kpl)));
        }
        if (chosen.contains("sdk")) {
            results.add(print(run.run(EndToEnd::sdkLoop)));
        }
        return results;
    }

    private static EndToEnd.Result print(EndToEnd.Result result) {
        System.out.printf(Locale.ROOT, "%n>>> %s | %s: %,.0f user records/s acked (%,d failed) over %.0f s%n%n",
                result.emulator(), result.client(), result.perSecond(), result.failed(), result.seconds());
        return result;
    }

    private static boolean flag(Map<String, String> options, String name) {
        return Boolean.parseBoolean(options.getOrDefault(name, "true"));
    }

    private static int integer(Map<String, String> options, String name, int defaultValue) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(defaultValue)));
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage());
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
