package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * What an idle consumer costs as its stream grows: a consumer of an empty stream of n shards on an emulator (kinesalite
 * for polling, kinesis-mock for enhanced fan-out, which then sends each subscription an empty event every second), once it
 * reads every shard and then idled a few seconds: live threads and used heap after a full GC (the least of three), over
 * the same JVM's figures just before the consumer started, and the JVM's CPU time while idle (the consumer polling empty
 * shards; the
 * emulator's CPU is not counted). Each kind of consumer is first started and stopped once, unmeasured.
 */
final class IdleScale {

    private static final Duration MAX_START = Duration.ofSeconds(120);
    private static final Duration IDLE = Duration.ofSeconds(5);
    private static final Duration SETTLE = Duration.ofSeconds(2);
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

    static Result ours(Target emulator, int shards) {
        return run("smallrye-kinesis", emulator, shards, oursStart(false));
    }

    /** Ours with {@code consumer-mode=fan-out}: one subscription per shard, on the client's HTTP/2 connections. */
    static Result oursFanOut(Target kinesisMock, int shards) {
        return run("smallrye-kinesis, fan-out", kinesisMock, shards, oursStart(true));
    }

    static Result kcl(Target emulator, Dynalite dynalite, int shards) {
        return run("KCL 3.1.1 (polling, defaults)", emulator, shards, kclStart(dynalite));
    }

    /**
     * Starts and stops a consumer once, unmeasured: what the first one in a JVM pays once (classes, static caches,
     * pools) is then not counted as the cost of the first measured shard count.
     */
    static void warmUp(Target emulator, Dynalite dynalite) {
        warmUp(emulator, dynalite == null ? oursStart(false) : kclStart(dynalite));
    }

    static void warmUpFanOut(Target kinesisMock) {
        warmUp(kinesisMock, oursStart(true));
    }

    private static void warmUp(Target emulator, ConsumerStart start) {
        String stream = "idle-warm-up-" + STREAMS.incrementAndGet();
        emulator.createStream(stream, 1);
        try (KinesisAsyncClient client = emulator.newClient(); Started started = start.start(client, stream, 1)) {
            long deadline = System.nanoTime() + MAX_START.toNanos();
            while (!started.readingAll() && System.nanoTime() - deadline < 0) {
                ConsumerLatency.sleep(200);
            }
        } catch (Exception e) {
            throw new IllegalStateException("warm-up failed", e);
        }
        // threads of the stopped consumer end asynchronously
        ConsumerLatency.sleep(SETTLE.toMillis());
    }

    private static ConsumerStart oursStart(boolean fanOut) {
        return (client, stream, n) -> {
            Map<String, String> attributes = fanOut
                    ? Map.of("stream", stream, "consumer-mode", "fan-out", "consumer-name", "idle-" + stream)
                    : Map.of("stream", stream);
            ConsumerApp app = new ConsumerApp(client, attributes, payload -> {
            });
            return started(app, app::ready);
        };
    }

    private static ConsumerStart kclStart(Dynalite dynalite) {
        return (client, stream, n) -> {
            KclConsumer kcl = new KclConsumer(client, dynalite.endpoint(), stream, null, false, record -> {
            });
            return started(kcl, () -> kcl.initializedShards() >= n);
        };
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

    private static Result run(String consumer, Target emulator, int shards, ConsumerStart start) {
        String stream = "idle-" + STREAMS.incrementAndGet();
        emulator.createStream(stream, shards);
        var threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (KinesisAsyncClient client = emulator.newClient()) {
            long heapBefore = liveHeap();
            int threadsBefore = threads.getThreadCount();
            long began = System.nanoTime();
            long heapRunning;
            int threadsRunning;
            double cpuPercent;
            double startSeconds;
            boolean reading;
            try (Started started = start.start(client, stream, shards)) {
                long deadline = began + MAX_START.toNanos();
                while (!(reading = started.readingAll()) && System.nanoTime() - deadline < 0) {
                    ConsumerLatency.sleep(200);
                }
                startSeconds = (System.nanoTime() - began) / 1e9;
                long cpuBefore = os.getProcessCpuTime();
                long idleStart = System.nanoTime();
                ConsumerLatency.sleep(IDLE.toMillis());
                cpuPercent = 100.0 * (os.getProcessCpuTime() - cpuBefore) / (System.nanoTime() - idleStart);
                heapRunning = liveHeap();
                threadsRunning = threads.getThreadCount();
            }
            ConsumerLatency.sleep(SETTLE.toMillis());
            Result result = new Result(consumer, shards, threadsRunning - threadsBefore, heapRunning - heapBefore,
                    cpuPercent, startSeconds, reading);
            System.out.printf("%n>>> idle | %s, %d shards: +%d threads, +%.1f MiB heap, %.0f%% of a core"
                    + " (reading every shard after %.1f s%s)%n%n", consumer, shards, result.threads(),
                    result.heapBytes() / 1048576.0, cpuPercent, startSeconds, reading ? "" : ": NOT ALL");
            return result;
        } catch (Exception e) {
            throw new IllegalStateException(consumer + " on " + shards + " shards failed", e);
        }
    }

    /** The least used heap after three full GCs: what the consumer's threads allocate meanwhile does not count. */
    private static long liveHeap() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
