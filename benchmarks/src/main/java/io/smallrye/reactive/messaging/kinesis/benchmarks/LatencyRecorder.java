package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end latencies of records carrying their send time ({@link System#nanoTime()}, producer and consumer share the
 * JVM) in their first 8 bytes: the latency of a record is the time from just before its PutRecord call to its
 * delivery to the application. Only records sent within the measured window count; the rest (warm-up) only count as
 * received. Thread-safe.
 */
final class LatencyRecorder {

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sentInWindow = new AtomicLong();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private long[] latencies = new long[16_384];
    private int count;

    static byte[] payload(long sentNanos, int size) {
        return ByteBuffer.allocate(size).putLong(0, sentNanos).array();
    }

    /** Measures records sent from now on, for that long. */
    void openWindow(long nanos) {
        long now = System.nanoTime();
        windowEnd = now + nanos;
        windowStart = now;
    }

    boolean windowOver() {
        return System.nanoTime() - windowEnd >= 0;
    }

    /** The producer is about to send a record with this send time. */
    void sent(long sentNanos) {
        if (inWindow(sentNanos)) {
            sentInWindow.incrementAndGet();
        }
    }

    void received(byte[] payload) {
        received(ByteBuffer.wrap(payload).getLong(0));
    }

    void received(ByteBuffer data) {
        received(data.getLong(data.position()));
    }

    private void received(long sentNanos) {
        long latency = System.nanoTime() - sentNanos;
        received.incrementAndGet();
        if (inWindow(sentNanos)) {
            synchronized (this) {
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = latency;
            }
        }
    }

    private boolean inWindow(long sentNanos) {
        return sentNanos - windowStart >= 0 && sentNanos - windowEnd < 0;
    }

    long received() {
        return received.get();
    }

    long sentInWindow() {
        return sentInWindow.get();
    }

    synchronized long receivedInWindow() {
        return count;
    }

    /** The latencies of the window's records, in milliseconds, at these percentiles (0-100). */
    synchronized double[] percentilesMillis(double... percentiles) {
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        double[] values = new double[percentiles.length];
        for (int i = 0; i < percentiles.length; i++) {
            if (sorted.length == 0) {
                values[i] = Double.NaN;
            } else {
                int index = (int) Math.ceil(percentiles[i] / 100.0 * sorted.length) - 1;
                values[i] = sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
            }
        }
        return values;
    }
}
