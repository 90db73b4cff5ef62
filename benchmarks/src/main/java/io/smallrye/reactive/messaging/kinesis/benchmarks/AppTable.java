package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.smallrye.reactive.messaging.kinesis.benchmarks.AppRuns.Producing;

/** The app part's one table, with the columns: what, ours, the reference of the same run, the gap. */
final class AppTable {

    private final StringBuilder rows = new StringBuilder();
    private final Map<String, String> options;
    private final String loadBefore = loadAverage();

    AppTable(Map<String, String> options) {
        this.options = options;
    }

    void producers(int records, int keys, Map<String, List<Producing>> runs) {
        String what = String.format(Locale.ROOT, "%,d records of 100 B, %,d keys", records, keys);
        compare(what + ", aggregation on", runs.get("ours-agg"), runs.get("kpl"));
        compare(what + ", aggregation off", runs.get("ours"), runs.get("sdk"));
    }

    private void compare(String what, List<Producing> ours, List<Producing> reference) {
        if (ours == null && reference == null) {
            return;
        }
        String name = reference == null ? "" : reference.get(0).client() + ": ";
        row("records/s, " + what, figure(ours, Producing::perSecond, "%,.0f"),
                name + figure(reference, Producing::perSecond, "%,.0f"), ratio(ours, reference, Producing::perSecond));
        row("CPU ms per 1k records, " + what, figure(ours, Producing::cpuMillisPer1k, "%.1f"),
                name + figure(reference, Producing::cpuMillisPer1k, "%.1f"),
                ratio(ours, reference, Producing::cpuMillisPer1k));
        row("of which JIT compiler threads / GC threads / the rest, CPU ms per 1k records, " + what,
                split(ours), name + split(reference), ratio(ours, reference, Producing::restMillisPer1k) + " (the rest)");
        row("Kinesis records per 1k user records, " + what, figure(ours, Producing::kinesisPer1k, "%.2f"),
                name + figure(reference, Producing::kinesisPer1k, "%.2f"),
                ratio(ours, reference, Producing::kinesisPer1k));
    }

    void matrix(String label, List<Producing> runs) {
        long acked = runs.stream().mapToLong(Producing::acked).sum();
        long sent = runs.stream().mapToLong(Producing::sent).sum();
        String capped = acked == sent ? "" : String.format(Locale.ROOT, "; capped: %,d acked of %,d sent", acked, sent);
        row("keys matrix: " + label, figure(runs, Producing::perSecond, "%,.0f") + " records/s; "
                + figure(runs, Producing::kinesisPer1k, "%.2f") + " Kinesis records per 1k" + capped, "", "");
    }

    void latency(AppLatency.Latency ours, AppLatency.Latency reference) {
        row("end-to-end latency at " + AppLatency.RATE + " records/s, total p50 / p95 / p99 ms: " + ours.label(),
                describe(ours), reference.label() + ": " + describe(reference),
                String.format(Locale.ROOT, "%s / %s / %s", gap(ours.total()[0], reference.total()[0]),
                        gap(ours.total()[1], reference.total()[1]), gap(ours.total()[2], reference.total()[2])));
    }

    private static String describe(AppLatency.Latency latency) {
        String rounds = latency.totalP99ByRound().length < 2 ? ""
                : " (total p99 by round: " + Arrays.stream(latency.totalP99ByRound())
                        .mapToObj(v -> String.format(Locale.ROOT, "%.0f", v)).collect(Collectors.joining(", ")) + ")";
        return String.format(Locale.ROOT, "**%s**%s; producer (send → ack) %s; consumer (arrival → delivery) %s; "
                + "%,d acked, %,d received", triple(latency.total()), rounds, triple(latency.producer()),
                triple(latency.consumer()), latency.acked(), latency.received());
    }

    private static String triple(double[] p) {
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f", p[0], p[1], p[2]);
    }

    void flush(AppStartStop.Flush flush) {
        row(String.format(Locale.ROOT, "flush of %d buffered messages, %d keys, at SIGTERM (kinesis-mock)",
                AppStartStop.FLUSH_MESSAGES, AppStartStop.FLUSH_KEYS),
                String.format(Locale.ROOT, "**%s** from SIGTERM to exit; %s acked, %s nacked; %d records in the stream"
                        + " (%d before SIGTERM)",
                        flush.exit() == null ? "killed after 60 s" : flush.exit().toMillis() + " ms",
                        flush.acked() < 0 ? "not all" : String.valueOf(flush.acked()),
                        flush.nacked() < 0 ? "?" : String.valueOf(flush.nacked()), flush.inStream(),
                        flush.beforeSigterm()),
                "", "");
    }

    void startUp(List<long[]> runs) {
        double[] ours = runs.stream().mapToDouble(r -> r[0]).toArray();
        double[] kcl = runs.stream().mapToDouble(r -> r[1]).toArray();
        row(String.format(Locale.ROOT, "JVM uptime at the first record delivered (%,d records waiting), ms",
                AppStartStop.WAITING_RECORDS), medianOf(ours), "KCL 3.1.1: " + medianOf(kcl),
                gap(AppBench.median(ours), AppBench.median(kcl)));
    }

    private static String medianOf(double[] values) {
        return String.format(Locale.ROOT, "%,.0f (%s)", AppBench.median(values), Arrays.stream(values)
                .mapToObj(v -> String.format(Locale.ROOT, "%,.0f", v)).collect(Collectors.joining(", ")));
    }

    private static String figure(List<Producing> runs, Function<Producing, Double> figure, String format) {
        if (runs == null) {
            return "not run";
        }
        String all = runs.stream().map(r -> String.format(Locale.ROOT, format, figure.apply(r)))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, format, AppBench.median(runs, figure))
                + (runs.size() > 1 ? " (" + all + ")" : "") + failures(runs);
    }

    private static String failures(List<Producing> runs) {
        long nacked = runs.stream().mapToLong(Producing::nacked).sum();
        return nacked == 0 ? "" : String.format(Locale.ROOT, " **%,d FAILED** (%s)", nacked, runs.get(0).failure());
    }

    private static String split(List<Producing> runs) {
        if (runs == null) {
            return "not run";
        }
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", AppBench.median(runs, Producing::jitMillisPer1k),
                AppBench.median(runs, Producing::gcMillisPer1k), AppBench.median(runs, Producing::restMillisPer1k));
    }

    private static String ratio(List<Producing> ours, List<Producing> reference, Function<Producing, Double> figure) {
        if (ours == null || reference == null) {
            return "";
        }
        return gap(AppBench.median(ours, figure), AppBench.median(reference, figure));
    }

    private static String gap(double ours, double reference) {
        return reference > 0 ? String.format(Locale.ROOT, "%.2f ×", ours / reference) : "n/a";
    }

    private void row(String what, String ours, String reference, String gap) {
        rows.append("| ").append(what).append(" | ").append(ours).append(" | ").append(reference).append(" | ")
                .append(gap).append(" |\n");
    }

    String render() {
        return String.format(Locale.ROOT, "# smallrye-kinesis as users run it (app part)%n%n"
                + "- date: %s; machine: %d cores (%s); JDK %s%n"
                + "- load average (1, 5, 15 min) before: %s; after: %s%n"
                + "- arguments: %s%n%n"
                + "| what | ours | reference, same run | gap (ours ÷ reference) |%n|---|---|---|---|%n%s%n"
                + "Producers and consumers: each in a JVM of its own, on a fresh kinesalite 3.3.3 (4 shards; plain HTTP,"
                + " HTTPS for the KPL, which speaks nothing else) per run. Medians of the rounds, each round's figures in"
                + " brackets. records/s: acked records ÷ first send to last ack, timed in the producer. CPU: user +"
                + " system time of the producer's process and its descendants (the KPL's native daemon) from /proc,"
                + " 10 ms ticks, between the producer's first send and its last ack (JIT and warm-up included, start-up"
                + " not); split by the JVM's threads: its JIT compiler threads, its GC threads, and the rest (the"
                + " application's, the client's and the KPL daemon's work). Kinesis records: the stream read back after the run (an aggregated record counts as one)."
                + " Latency: send time in the payload (Instant.now(), µs) to delivery, both JVMs on one clock;"
                + " consumer time from ApproximateArrivalTimestamp (ms, the emulator's clock = the same machine's).%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.runtime.version"),
                loadBefore, loadAverage(), options, rows);
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
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
