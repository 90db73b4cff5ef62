package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Writes 100-byte records at a fixed rate with plain SDK PutRecord calls (random partition keys, so every shard gets
 * its share), each carrying its send time for a {@link LatencyRecorder}. The load of the latency comparison: the
 * same for every consumer.
 */
final class RateProducer implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "rate-producer");
        thread.setDaemon(true);
        return thread;
    });
    final LongAdder failed = new LongAdder();

    RateProducer(KinesisAsyncClient client, String stream, int recordsPerSecond, LatencyRecorder recorder) {
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / recordsPerSecond;
        timer.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            recorder.sent(now);
            client.putRecord(request -> request.streamName(stream).partitionKey(EndToEnd.randomKey())
                    .data(SdkBytes.fromByteArrayUnsafe(LatencyRecorder.payload(now, EndToEnd.RECORD_BYTES))))
                    .whenComplete((response, failure) -> {
                        if (failure != null) {
                            failed.increment();
                        }
                    });
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
