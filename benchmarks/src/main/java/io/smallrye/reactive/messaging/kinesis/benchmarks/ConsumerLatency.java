package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * End-to-end latency at a fixed rate: a {@link RateProducer} writes {@code rate} records/s (PutRecord, random keys)
 * to a fresh stream of {@value #SHARDS} shards on a fresh emulator (kinesalite for polling; kinesis-mock, which has
 * SubscribeToShard, for enhanced fan-out); one consumer reads it from LATEST; each record carries its send time, and
 * its latency is the time from just before its PutRecord call to its delivery to the application. Warm-up lasts until
 * the consumer receives the full rate over 3 seconds, twice in a row (every shard read), then 2 s more; only records
 * sent in the measured window after it count. The consumers run one after another, each on its own emulator and
 * stream, under the same load.
 */
final class ConsumerLatency {

    static final int RATE = 200;
    static final int SHARDS = 4;
    private static final Duration MAX_WARM_UP = Duration.ofSeconds(90);
    private static final Duration MAX_DRAIN = Duration.ofSeconds(15);
    private static final AtomicInteger STREAMS = new AtomicInteger();

    record Result(String consumer, String setup, int rate, String emulator, long sent, long received, double p50,
            double p95, double p99, double seconds, double warmUpSeconds) {
    }

    /** Starts a consumer of the stream that hands every record to the recorder. */
    interface ConsumerStart {
        AutoCloseable start(KinesisAsyncClient client, String stream, LatencyRecorder recorder);
    }

    private final Duration measured;
    private final int rate;
    private final Supplier<Target> emulator;
    private final long batchMillis;

    /** On kinesalite (plain HTTP) at {@value #RATE} records/s, one PutRecord per record: the polling comparison. */
    ConsumerLatency(Duration measured) {
        this(measured, RATE, Target::kinesalitePlain, 0);
    }

    /** @param batchMillis 0: one PutRecord per record; else one PutRecords per interval of that many ms */
    ConsumerLatency(Duration measured, int rate, Supplier<Target> emulator, long batchMillis) {
        this.measured = measured;
        this.rate = rate;
        this.emulator = emulator;
        this.batchMillis = batchMillis;
    }

    /** The connector with its defaults (poll-interval 200ms), an {@code @Incoming} method in Weld. */
    Result ours() {
        return run("smallrye-kinesis", "defaults (poll-interval 200ms, max-records 10000), @Incoming in Weld",
                (client, stream, recorder) -> new ConsumerApp(client, Map.of("stream", stream), recorder::received));
    }

    /** The connector with enhanced fan-out, its defaults otherwise, an {@code @Incoming} method in Weld. */
    Result oursFanOut() {
        return run("smallrye-kinesis, fan-out", "consumer-mode=fan-out (SubscribeToShard), @Incoming in Weld",
                (client, stream, recorder) -> new ConsumerApp(client,
                        Map.of("stream", stream, "consumer-mode", "fan-out", "consumer-name", "bench-" + stream),
                        recorder::received));
    }

    /** The KCL 3.1.1, polling, with its idle time between reads (its default when null). */
    Result kcl(Long idleMillis) {
        String setup = "polling, idleTimeBetweenReadsInMillis " + (idleMillis == null
                ? KclConsumer.DEFAULT_IDLE_MILLIS + " (default)"
                : idleMillis + " (our poll-interval)") + ", leases in dynalite";
        return run(idleMillis == null ? "KCL 3.1.1" : "KCL 3.1.1, idle time = ours", setup,
                kclStart(idleMillis, false));
    }

    /** The KCL 3.1.1 in its default mode, enhanced fan-out (it registers its stream consumer). */
    Result kclFanOut() {
        return run("KCL 3.1.1, fan-out", "enhanced fan-out (its default retrieval), leases in dynalite",
                kclStart(null, true));
    }

    private static ConsumerStart kclStart(Long idleMillis, boolean fanOut) {
        return (client, stream, recorder) -> {
            Dynalite dynalite = new Dynalite();
            dynalite.start();
            KclConsumer kcl = new KclConsumer(client, dynalite.endpoint(), stream, idleMillis, fanOut,
                    record -> recorder.received(record.data()));
            return () -> {
                try {
                    kcl.close();
                } finally {
                    dynalite.stop();
                }
            };
        };
    }

    private Result run(String consumer, String setup, ConsumerStart start) {
        Target target = emulator.get();
        try (KinesisAsyncClient client = target.newClient()) {
            String stream = "latency-" + STREAMS.incrementAndGet();
            target.createStream(stream, SHARDS);
            LatencyRecorder recorder = new LatencyRecorder();
            long began = System.nanoTime();
            try (AutoCloseable ignored = start.start(client, stream, recorder);
                    RateProducer producer = new RateProducer(client, stream, rate, batchMillis, recorder)) {
                return measure(consumer, setup, target.name(), recorder, began);
            } catch (Exception e) {
                throw new IllegalStateException(consumer + " failed", e);
            }
        } finally {
            target.close();
        }
    }

    /** Warms up, measures the window, waits for its records; began: when the consumer was started. */
    Result measure(String consumer, String setup, String emulatorName, LatencyRecorder recorder, long began) {
        if (!warmUp(recorder, rate)) {
            System.out.printf("%s: never received %d records/s within %d s%n", consumer, rate,
                    MAX_WARM_UP.toSeconds());
        }
        double warmUpSeconds = (System.nanoTime() - began) / 1e9;
        recorder.openWindow(measured.toNanos());
        while (!recorder.windowOver()) {
            sleep(100);
        }
        long deadline = System.nanoTime() + MAX_DRAIN.toNanos();
        while (recorder.receivedInWindow() < recorder.sentInWindow() && System.nanoTime() - deadline < 0) {
            sleep(50);
        }
        double[] p = recorder.percentilesMillis(50, 95, 99);
        Result result = new Result(consumer, setup, rate, emulatorName, recorder.sentInWindow(),
                recorder.receivedInWindow(), p[0], p[1], p[2], measured.toNanos() / 1e9, warmUpSeconds);
        System.out.printf("%n>>> latency | %s, %d records/s, %s: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (%,d of %,d"
                + " records; warm-up %.0f s)%n%n", consumer, rate, emulatorName, p[0], p[1], p[2], result.received(),
                result.sent(), warmUpSeconds);
        return result;
    }

    /**
     * Waits until the consumer received the full rate over the last 3 seconds, twice in a row (over 3 s, so that an
     * emulator that delivers once a second does not fall between two samples), then 2 s more.
     */
    private static boolean warmUp(LatencyRecorder recorder, int rate) {
        long deadline = System.nanoTime() + MAX_WARM_UP.toNanos();
        int full = 0;
        long[] counts = new long[4];
        int second = 0;
        while (System.nanoTime() - deadline < 0) {
            sleep(1000);
            second++;
            counts[second % 4] = recorder.received();
            boolean threeSeconds = second >= 3 && counts[second % 4] - counts[(second - 3) % 4] >= 3L * rate * 95 / 100;
            full = threeSeconds ? full + 1 : 0;
            if (full == 2) {
                sleep(2000);
                return true;
            }
        }
        return false;
    }

    static void sleep(long millis) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
