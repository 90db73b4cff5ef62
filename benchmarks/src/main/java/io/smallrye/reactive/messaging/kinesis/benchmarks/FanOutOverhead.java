package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Our enhanced fan-out's own overhead: the channel ({@code consumer-mode=fan-out}, an {@code @Incoming} method in
 * Weld) reads {@value ConsumerLatency#SHARDS} shards of a {@link PushKinesisClient}, which pushes a SubscribeToShard
 * event as soon as a record is put (no network, no emulator); a timer puts {@code rate} records/s of 100 bytes on random
 * shards, each carrying its put time. The latency is from the put (the event) to the {@code @Incoming} method: the
 * connector's hop onto its context, the message, SmallRye's mediator, and any wait for the channel to request the next
 * event. Warm-up and window as in {@link ConsumerLatency}.
 */
final class FanOutOverhead {

    private FanOutOverhead() {
    }

    static ConsumerLatency.Result run(Duration measured, int rate) {
        PushKinesisClient client = new PushKinesisClient(ConsumerLatency.SHARDS);
        LatencyRecorder recorder = new LatencyRecorder();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "push-producer");
            thread.setDaemon(true);
            return thread;
        });
        long began = System.nanoTime();
        try (ConsumerApp app = new ConsumerApp(client, Map.of("stream", "push", "consumer-mode", "fan-out",
                "consumer-name", "bench"), recorder::received)) {
            timer.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                recorder.sent(now);
                client.put(ThreadLocalRandom.current().nextInt(ConsumerLatency.SHARDS),
                        LatencyRecorder.payload(now, EndToEnd.RECORD_BYTES));
            }, 0, TimeUnit.SECONDS.toNanos(1) / rate, TimeUnit.NANOSECONDS);
            return new ConsumerLatency(measured, rate, null, 0).measure("smallrye-kinesis, fan-out",
                    "consumer-mode=fan-out, @Incoming in Weld; in-process client that pushes an event per put",
                    "none (in-process push client)", recorder, began);
        } finally {
            timer.shutdownNow();
        }
    }
}
