package io.quarkiverse.messaging.kinesis.benchmark.app;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** Latencies in microseconds, kept in a preallocated array (one writer at a time), reported as p50/p95/p99 in ms. */
public final class Percentiles {

    private final long[] values;
    private final AtomicInteger count = new AtomicInteger();

    public Percentiles(int capacity) {
        values = new long[Math.max(1, capacity)];
    }

    public void add(long micros) {
        int i = count.getAndIncrement();
        if (i < values.length) {
            values[i] = micros;
        }
    }

    public int count() {
        return Math.min(count.get(), values.length);
    }

    /** {@code <prefix>p50=.. <prefix>p95=.. <prefix>p99=..} in milliseconds, or -1 when empty. */
    public String summary(String prefix) {
        long[] sorted = Arrays.copyOf(values, count());
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%sp50=%.1f %sp95=%.1f %sp99=%.1f", prefix, at(sorted, 0.50), prefix,
                at(sorted, 0.95), prefix, at(sorted, 0.99));
    }

    private static double at(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
    }
}
