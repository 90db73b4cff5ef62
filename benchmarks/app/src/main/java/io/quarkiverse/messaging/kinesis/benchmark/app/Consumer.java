package io.quarkiverse.messaging.kinesis.benchmark.app;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMetadata;

/**
 * The user's consumer: an {@code @Incoming} method on the channel {@code in}, acking each record. For a record marked
 * as measured it records the consumer time (Kinesis's ApproximateArrivalTimestamp to delivery here, millisecond
 * resolution: the emulator's) and the total (the send time in the payload to delivery). The JVM's uptime at the first
 * delivery is the start-up figure.
 */
@ApplicationScoped
public class Consumer {

    @ConfigProperty(name = "bench.latency-capacity", defaultValue = "1000000")
    int capacity;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong measured = new AtomicLong();
    private volatile long firstUptimeMillis = -1;
    private Percentiles consumerTime;
    private Percentiles total;

    @Incoming("in")
    public CompletionStage<Void> consume(Message<byte[]> message) {
        long nowMicros = Payload.nowMicros();
        if (received.getAndIncrement() == 0) {
            firstUptimeMillis = uptimeAt(System.nanoTime());
            Out.line("FIRST uptime_ms=" + firstUptimeMillis);
        }
        byte[] data = message.getPayload();
        if (Payload.measured(data)) {
            measured.incrementAndGet();
            total.add(Math.max(0, nowMicros - Payload.sentMicros(data)));
            message.getMetadata(IncomingKinesisMetadata.class).map(IncomingKinesisMetadata::getApproximateArrivalTimestamp)
                    .ifPresent(arrival -> consumerTime.add(Math.max(0, nowMicros - micros(arrival))));
        }
        return message.ack();
    }

    @PostConstruct
    void allocate() {
        consumerTime = new Percentiles(capacity);
        total = new Percentiles(capacity);
    }

    String progress() {
        return "received=" + received.get() + " measured=" + measured.get() + " first_uptime_ms=" + firstUptimeMillis;
    }

    String report() {
        return progress() + " " + consumerTime.summary("consumer_") + " " + total.summary("total_");
    }

    /**
     * The JVM's uptime at an instant of {@link System#nanoTime()} already taken: the JVM's management classes load at
     * their first use (tens of ms), which the start-up figure must not count.
     */
    private static long uptimeAt(long nanoTime) {
        long uptimeNow = ManagementFactory.getRuntimeMXBean().getUptime();
        return uptimeNow - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    private static long micros(Instant instant) {
        return TimeUnit.SECONDS.toMicros(instant.getEpochSecond()) + instant.getNano() / 1000;
    }
}
