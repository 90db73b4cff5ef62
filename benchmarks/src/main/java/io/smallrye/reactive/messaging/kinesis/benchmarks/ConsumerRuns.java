package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.smallrye.reactive.messaging.kinesis.test.Dynalite;

/**
 * The consumer comparisons (latency at a fixed rate, idle cost by shard count; the same for enhanced fan-out) and their
 * part of the report.
 */
final class ConsumerRuns {

    private final List<ConsumerLatency.Result> latency = new ArrayList<>();
    private final List<IdleScale.Result> scale = new ArrayList<>();
    private final List<ConsumerLatency.Result> fanOutLatency = new ArrayList<>();
    private final List<ConsumerLatency.Result> fanOutOverhead = new ArrayList<>();
    private final List<IdleScale.Result> fanOutScale = new ArrayList<>();

    /** Ours, the KCL with its defaults, the KCL with its idle time between reads set to our poll interval. */
    void latency(Duration measured, boolean kcl) {
        ConsumerLatency run = new ConsumerLatency(measured);
        latency.add(run.ours());
        if (kcl) {
            latency.add(run.kcl(null));
            latency.add(run.kcl(200L));
        }
    }

    /** Idle consumers on {@code small} and {@code large} shards: ours, then the KCL. */
    void scale(int small, int large, boolean kcl) {
        Target kinesalite = Target.kinesalitePlain();
        try {
            IdleScale.warmUp(kinesalite, null);
            scale.add(IdleScale.ours(kinesalite, small));
            scale.add(IdleScale.ours(kinesalite, large));
            if (kcl) {
                Dynalite dynalite = new Dynalite();
                dynalite.start();
                try {
                    IdleScale.warmUp(kinesalite, dynalite);
                    scale.add(IdleScale.kcl(kinesalite, dynalite, small));
                    scale.add(IdleScale.kcl(kinesalite, dynalite, large));
                } finally {
                    dynalite.stop();
                }
            }
        } finally {
            kinesalite.close();
        }
    }

    /**
     * Enhanced fan-out: at each rate, on kinesis-mock, ours with fan-out, the KCL's fan-out and our polling; our fan-out
     * on the in-process push client (its own overhead); idle fan-out consumers on {@code small} and {@code large}
     * shards.
     */
    void fanOut(Duration measured, List<Integer> rates, boolean kcl, int small, int large) {
        for (int rate : rates) {
            ConsumerLatency run = new ConsumerLatency(measured, rate, () -> Target.kinesisMockPlain(MAX_STREAMS),
                    PUT_BATCH_MILLIS);
            fanOutLatency.add(run.oursFanOut());
            if (kcl) {
                fanOutLatency.add(run.kclFanOut());
            }
            fanOutLatency.add(run.ours());
        }
        for (int rate : rates) {
            fanOutOverhead.add(FanOutOverhead.run(measured, rate));
        }
        Target kinesisMock = Target.kinesisMockPlain(MAX_STREAMS);
        try {
            IdleScale.warmUpFanOut(kinesisMock);
            fanOutScale.add(IdleScale.oursFanOut(kinesisMock, small));
            fanOutScale.add(IdleScale.oursFanOut(kinesisMock, large));
        } finally {
            kinesisMock.close();
        }
    }

    /**
     * The HTTP/2 streams a benchmark client may open at once (the SDK's Netty default is 50, shared by every call of
     * the client): one per fan-out subscription, so above the largest shard count of the idle runs.
     */
    static final int MAX_STREAMS = 1000;
    /** On kinesis-mock, the load goes in one PutRecords call every 100 ms (one PutRecord per record starves it). */
    static final long PUT_BATCH_MILLIS = 100;

    boolean isEmpty() {
        return latency.isEmpty() && scale.isEmpty() && fanOutLatency.isEmpty() && fanOutScale.isEmpty();
    }

    String report() {
        StringBuilder report = new StringBuilder();
        if (!latency.isEmpty()) {
            ConsumerLatency.Result ours = latency.get(0);
            report.append(String.format(Locale.ROOT, "## 4. End to end: consumer latency at %d records/s, %d shards,"
                    + " kinesalite%n%n", ConsumerLatency.RATE, ConsumerLatency.SHARDS));
            report.append("| consumer | setup | p50 ms | p95 ms | p99 ms | ours ÷ this: p50, p95, p99 | records"
                    + " measured |\n|---|---|---:|---:|---:|---|---:|\n");
            for (ConsumerLatency.Result r : latency) {
                report.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f | %s | %,d of %,d |%n",
                        r.consumer(), r.setup(), r.p50(), r.p95(), r.p99(), r == ours ? "1.00"
                                : String.format(Locale.ROOT, "**%.2f**, **%.2f**, **%.2f**", ours.p50() / r.p50(),
                                        ours.p95() / r.p95(), ours.p99() / r.p99()),
                        r.received(), r.sent()));
            }
            report.append(String.format(Locale.ROOT, "%nLoad: plain SDK PutRecord calls, %d records/s of 100 bytes,"
                    + " random partition keys; latency = delivery to the application − just before PutRecord (one"
                    + " JVM, nanoTime). %.0f s measured per consumer after it received the full rate 2 s in a row"
                    + " (+2 s); each consumer on its own kinesalite and stream, from LATEST. Ratio < 1: ours is"
                    + " faster.%n%n", ConsumerLatency.RATE, ours.seconds()));
        }
        if (!scale.isEmpty()) {
            report.append("## 5. Idle consumer: cost by shard count, kinesalite\n\n");
            report.append("| consumer | shards | threads added | heap added (MiB, after GC) | JVM CPU while idle |"
                    + " reading every shard after |\n|---|---:|---:|---:|---:|---:|\n");
            for (IdleScale.Result r : scale) {
                report.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.0f %% of a core | %.1f s%s |%n",
                        r.consumer(), r.shards(), r.threads(), r.heapBytes() / 1048576.0, r.cpuPercent(),
                        r.startSeconds(), r.started() ? "" : " (NOT ALL)"));
            }
            report.append("\nWhile idle, over the same JVM just before the consumer started, after one unmeasured"
                    + " start and stop of the same consumer (for ours, the figures include the Weld container,"
                    + " SmallRye Reactive Messaging and its Vert.x instance); heap figures move by about ±2 MiB from"
                    + " run to run. ");
            for (int i = 0; i + 1 < scale.size(); i += 2) {
                IdleScale.Result small = scale.get(i);
                IdleScale.Result large = scale.get(i + 1);
                report.append(String.format(Locale.ROOT, "%s, %d → %d shards: threads %+d, heap %+.1f MiB"
                        + " (%.1f KiB per shard). ", small.consumer(), small.shards(), large.shards(),
                        large.threads() - small.threads(), (large.heapBytes() - small.heapBytes()) / 1048576.0,
                        (large.heapBytes() - small.heapBytes()) / 1024.0 / (large.shards() - small.shards())));
            }
            report.append("\n\n");
        }
        report.append(fanOutReport());
        return report.toString();
    }

    private String fanOutReport() {
        StringBuilder report = new StringBuilder();
        if (!fanOutLatency.isEmpty() || !fanOutOverhead.isEmpty()) {
            report.append(String.format(Locale.ROOT, "## 6. Enhanced fan-out: latency, %d shards%n%n",
                    ConsumerLatency.SHARDS));
            report.append("| consumer | setup | emulator | records/s | p50 ms | p95 ms | p99 ms | records measured |\n"
                    + "|---|---|---|---:|---:|---:|---:|---:|\n");
            List<ConsumerLatency.Result> all = new ArrayList<>(fanOutLatency);
            all.addAll(fanOutOverhead);
            for (ConsumerLatency.Result r : all) {
                report.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.1f | %.1f | %.1f | %,d of %,d |%n",
                        r.consumer(), r.setup(), r.emulator(), r.rate(), r.p50(), r.p95(), r.p99(), r.received(),
                        r.sent()));
            }
            double seconds = all.get(0).seconds();
            report.append(String.format(Locale.ROOT, "%nLoad and latency as in section 4, but on kinesis-mock one"
                    + " PutRecords call every %d ms (its records stamped just before it), %.0f s measured per consumer, each on its own"
                    + " kinesis-mock and stream (plain port, HTTP/2). kinesis-mock pushes a SubscribeToShard event once"
                    + " a second (see the notes on the emulators): its fan-out rows show the emulator's cadence, not"
                    + " fan-out's latency on AWS. The in-process rows (goal: p99 ≤ 5 ms) are our fan-out's own"
                    + " overhead: from the event to the @Incoming method.%n%n", PUT_BATCH_MILLIS, seconds));
        }
        if (!fanOutScale.isEmpty()) {
            report.append("## 7. Idle fan-out consumer: cost by shard count, kinesis-mock\n\n");
            report.append("| consumer | shards | threads added | heap added (MiB, after GC) | JVM CPU while idle |"
                    + " reading every shard after |\n|---|---:|---:|---:|---:|---:|\n");
            for (IdleScale.Result r : fanOutScale) {
                report.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.0f %% of a core | %.1f s%s |%n",
                        r.consumer(), r.shards(), r.threads(), r.heapBytes() / 1048576.0, r.cpuPercent(),
                        r.startSeconds(), r.started() ? "" : " (NOT ALL)"));
            }
            if (fanOutScale.size() == 2) {
                IdleScale.Result small = fanOutScale.get(0);
                IdleScale.Result large = fanOutScale.get(1);
                report.append(String.format(Locale.ROOT, "%nAs section 5, one subscription per shard (kinesis-mock"
                        + " sends each an empty event every second, so \"idle\" CPU includes 1 event per shard per"
                        + " second). %d → %d shards: threads %+d, heap %+.1f MiB (%.1f KiB per shard).%n%n",
                        small.shards(), large.shards(), large.threads() - small.threads(),
                        (large.heapBytes() - small.heapBytes()) / 1048576.0,
                        (large.heapBytes() - small.heapBytes()) / 1024.0 / (large.shards() - small.shards())));
            }
        }
        return report.toString();
    }
}
