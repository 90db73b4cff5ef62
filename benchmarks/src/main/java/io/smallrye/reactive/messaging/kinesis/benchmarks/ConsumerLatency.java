package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.Kinesalite;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * End-to-end latency at a fixed rate: a {@link RateProducer} writes {@value #RATE} records/s (PutRecord, random keys)
 * to a fresh stream of {@value #SHARDS} shards on a fresh kinesalite; one consumer reads it from LATEST; each record
 * carries its send time, and its latency is the time from just before its PutRecord call to its delivery to the
 * application. Warm-up lasts until the consumer receives the full rate for 2 seconds in a row (every shard read),
 * then 2 s more; only records sent in the measured window after it count. The consumers run one after another, each on
 * its own emulator and stream, under the same load.
 */
final class ConsumerLatency {

    static final int RATE = 200;
    static final int SHARDS = 4;
    private static final Duration MAX_WARM_UP = Duration.ofSeconds(90);
    private static final Duration MAX_DRAIN = Duration.ofSeconds(15);
    private static final AtomicInteger STREAMS = new AtomicInteger();

    record Result(String consumer, String setup, long sent, long received, double p50, double p95, double p99,
            double seconds, double warmUpSeconds) {
    }

    /** Starts a consumer of the stream that hands every record to the recorder. */
    interface ConsumerStart {
        AutoCloseable start(Kinesalite kinesalite, KinesisAsyncClient client, String stream, LatencyRecorder recorder);
    }

    private final Duration measured;

    ConsumerLatency(Duration measured) {
        this.measured = measured;
    }

    /** The connector with its defaults (poll-interval 200ms), an {@code @Incoming} method in Weld. */
    Result ours() {
        return run("smallrye-kinesis", "defaults (poll-interval 200ms, max-records 10000), @Incoming in Weld",
                (kinesalite, client, stream, recorder) -> new ConsumerApp(client, Map.of("stream", stream),
                        recorder::received));
    }

    /** The KCL 3.1.1, polling, with its idle time between reads (its default when null). */
    Result kcl(Long idleMillis) {
        String setup = "polling, idleTimeBetweenReadsInMillis " + (idleMillis == null
                ? KclConsumer.DEFAULT_IDLE_MILLIS + " (default)"
                : idleMillis + " (our poll-interval)") + ", leases in dynalite";
        return run(idleMillis == null ? "KCL 3.1.1" : "KCL 3.1.1, idle time = ours", setup,
                (kinesalite, client, stream, recorder) -> {
                    Dynalite dynalite = new Dynalite();
                    dynalite.start();
                    KclConsumer kcl = new KclConsumer(client, dynalite.endpoint(), stream, idleMillis,
                            record -> recorder.received(record.data()));
                    return () -> {
                        try {
                            kcl.close();
                        } finally {
                            dynalite.stop();
                        }
                    };
                });
    }

    private Result run(String consumer, String setup, ConsumerStart start) {
        Kinesalite kinesalite = new Kinesalite();
        kinesalite.start();
        try (KinesisAsyncClient client = kinesalite.newClient()) {
            String stream = "latency-" + STREAMS.incrementAndGet();
            kinesalite.createStream(stream, SHARDS);
            LatencyRecorder recorder = new LatencyRecorder();
            long began = System.nanoTime();
            try (AutoCloseable ignored = start.start(kinesalite, client, stream, recorder);
                    RateProducer producer = new RateProducer(client, stream, RATE, recorder)) {
                if (!warmUp(recorder)) {
                    System.out.printf("%s: never received %d records/s within %d s%n", consumer, RATE,
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
                Result result = new Result(consumer, setup, recorder.sentInWindow(), recorder.receivedInWindow(),
                        p[0], p[1], p[2], measured.toNanos() / 1e9, warmUpSeconds);
                System.out.printf("%n>>> latency | %s: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms (%,d of %,d records;"
                        + " warm-up %.0f s)%n%n", consumer, p[0], p[1], p[2], result.received(), result.sent(),
                        warmUpSeconds);
                return result;
            } catch (Exception e) {
                throw new IllegalStateException(consumer + " failed", e);
            }
        } finally {
            kinesalite.stop();
        }
    }

    /** Waits until the consumer receives the full rate two seconds in a row, then 2 s more. */
    private static boolean warmUp(LatencyRecorder recorder) {
        long deadline = System.nanoTime() + MAX_WARM_UP.toNanos();
        int fullSeconds = 0;
        long last = recorder.received();
        while (System.nanoTime() - deadline < 0) {
            sleep(1000);
            long now = recorder.received();
            fullSeconds = now - last >= RATE * 95 / 100 ? fullSeconds + 1 : 0;
            last = now;
            if (fullSeconds == 2) {
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
