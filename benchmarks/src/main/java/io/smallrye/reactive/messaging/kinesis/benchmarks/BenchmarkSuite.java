package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark of the module in one go and prints one table, also written to {@code target/results.md}:
 * <ol>
 * <li>JMH, stub client: the connector's own cost per record (records/s, bytes allocated per record);</li>
 * <li>end to end against kinesalite, then kinesis-mock: producer throughput of the connector with and without
 * aggregation, the KPL with aggregation and a plain SDK loop, with the ratios to the KPL;</li>
 * <li>the producer's live heap under sustained overload, against its buffer bound.</li>
 * </ol>
 * Arguments, all optional, as {@code name=value}: {@code jmh}, {@code e2e}, {@code mock}, {@code heap} (true/false,
 * which parts run), {@code seconds} (measured seconds per end-to-end client, 30), {@code warmup} (seconds before
 * measuring, 5), {@code mock-seconds} (measured seconds on kinesis-mock, 20), {@code heap-seconds} (15),
 * {@code jmh-iterations} (5), {@code jmh-warmups} (3), {@code jmh-seconds} (2 per iteration), {@code jmh-include}
 * (a regular expression of benchmarks), {@code clients} (of the end-to-end runs: ours-agg,ours,kpl,sdk).
 */
public final class BenchmarkSuite {

    private BenchmarkSuite() {
    }

    public static void main(String[] args) throws Exception {
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
            jmhRows = runJmh(options);
        }
        List<EndToEnd.Result> e2e = new ArrayList<>();
        OverloadHeap.Result heap = null;
        if (flag(options, "e2e") || flag(options, "heap")) {
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
            report.append("| path | aggregation | threads | records/s | ± (99.9%) | bytes allocated / record |\n");
            report.append("|---|---|---|---:|---:|---:|\n");
            for (String[] row : jmhRows) {
                report.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
            report.append("\nTarget: 500,000 records/s on one core (the `inline` rows: everything on the sending "
                    + "thread). Consume path: not measured yet (the incoming channel is not merged).\n\n");
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
            report.append("\nLatency against a KCL consumer and idle-consumer scaling: not measured yet (they need the "
                    + "incoming channel).\n\n");
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

    private static List<String[]> runJmh(Map<String, String> options) throws RunnerException {
        ChainedOptionsBuilder builder = new OptionsBuilder()
                .include(options.getOrDefault("jmh-include", "(ChannelProduceBenchmark|EmitterProduceBenchmark)"))
                .addProfiler(GCProfiler.class)
                .forks(1)
                .warmupIterations(integer(options, "jmh-warmups", 3))
                .measurementIterations(integer(options, "jmh-iterations", 5))
                .warmupTime(TimeValue.seconds(integer(options, "jmh-seconds", 2)))
                .measurementTime(TimeValue.seconds(integer(options, "jmh-seconds", 2)));
        Collection<RunResult> results = new Runner(builder.build()).run();
        List<String[]> rows = new ArrayList<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            boolean emitter = benchmark.contains("EmitterProduceBenchmark");
            String scheduler = result.getParams().getParam("scheduler");
            Result<?> primary = result.getPrimaryResult();
            Result<?> allocation = result.getSecondaryResults().get("gc.alloc.rate.norm");
            rows.add(new String[] {
                    emitter ? "Emitter.send → Weld/SmallRye → channel → PutRecords → ack"
                            : "channel.onNext → batch → PutRecords → ack",
                    result.getParams().getParam("aggregation"),
                    emitter ? "2 (sender + connector scheduler)"
                            : "inline".equals(scheduler) ? "1 (inline)" : "2 (sender + connector scheduler)",
                    String.format(Locale.ROOT, "%,.0f", primary.getScore()),
                    String.format(Locale.ROOT, "%,.0f", primary.getScoreError()),
                    allocation == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", allocation.getScore()) });
        }
        return rows;
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
