package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.Kinesalite;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * What an idle consumer costs as its stream grows: a consumer of an empty stream of n shards on kinesalite, once it
 * reads every shard and then idled a few seconds: live threads and used heap after a full GC, over the same JVM's
 * figures just before the consumer started, and the JVM's CPU time while idle (the consumer polling empty shards; the
 * emulator's CPU is not counted).
 */
final class IdleScale {

    private static final Duration MAX_START = Duration.ofSeconds(120);
    private static final Duration IDLE = Duration.ofSeconds(5);
    private static final AtomicInteger STREAMS = new AtomicInteger();

    record Result(String consumer, int shards, int threads, long heapBytes, double cpuPercent, double startSeconds,
            boolean started) {
    }

    /** A started consumer: closes, and says when it reads every shard. */
    interface Started extends AutoCloseable {
        boolean readingAll();
    }

    interface ConsumerStart {
        Started start(KinesisAsyncClient client, String stream, int shards);
    }

    private IdleScale() {
    }

    static Result ours(Kinesalite kinesalite, int shards) {
        return run("smallrye-kinesis", kinesalite, shards, (client, stream, n) -> {
            ConsumerApp app = new ConsumerApp(client, Map.of("stream", stream), payload -> {
            });
            return started(app, app::ready);
        });
    }

    static Result kcl(Kinesalite kinesalite, Dynalite dynalite, int shards) {
        return run("KCL 3.1.1 (polling, defaults)", kinesalite, shards, (client, stream, n) -> {
            KclConsumer kcl = new KclConsumer(client, dynalite.endpoint(), stream, null, record -> {
            });
            return started(kcl, () -> kcl.initializedShards() >= n);
        });
    }

    private static Started started(AutoCloseable consumer, BooleanSupplier readingAll) {
        return new Started() {
            @Override
            public boolean readingAll() {
                return readingAll.getAsBoolean();
            }

            @Override
            public void close() throws Exception {
                consumer.close();
            }
        };
    }

    private static Result run(String consumer, Kinesalite kinesalite, int shards, ConsumerStart start) {
        String stream = "idle-" + STREAMS.incrementAndGet();
        kinesalite.createStream(stream, shards);
        try (KinesisAsyncClient client = kinesalite.newClient()) {
            var threads = ManagementFactory.getThreadMXBean();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long heapBefore = liveHeap();
            int threadsBefore = threads.getThreadCount();
            long began = System.nanoTime();
            try (Started started = start.start(client, stream, shards)) {
                long deadline = began + MAX_START.toNanos();
                boolean reading;
                while (!(reading = started.readingAll()) && System.nanoTime() - deadline < 0) {
                    ConsumerLatency.sleep(200);
                }
                double startSeconds = (System.nanoTime() - began) / 1e9;
                long cpuBefore = os.getProcessCpuTime();
                long idleStart = System.nanoTime();
                ConsumerLatency.sleep(IDLE.toMillis());
                double cpuPercent = 100.0 * (os.getProcessCpuTime() - cpuBefore) / (System.nanoTime() - idleStart);
                Result result = new Result(consumer, shards, threads.getThreadCount() - threadsBefore,
                        liveHeap() - heapBefore, cpuPercent, startSeconds, reading);
                System.out.printf("%n>>> idle | %s, %d shards: +%d threads, +%.1f MiB heap, %.0f%% of a core"
                        + " (reading every shard after %.1f s%s)%n%n", consumer, shards, result.threads(),
                        result.heapBytes() / 1048576.0, cpuPercent, startSeconds, reading ? "" : ": NOT ALL");
                return result;
            } catch (Exception e) {
                throw new IllegalStateException(consumer + " on " + shards + " shards failed", e);
            }
        }
    }

    private static long liveHeap() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
