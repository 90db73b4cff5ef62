package io.smallrye.reactive.messaging.kinesis.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The connector's one back-off: exponential with jitter. Before attempt n+1 after n failures in a row, wait between
 * half and all of {@code initial * 2^(n-1)}, capped at {@code max}. Used by reads, sends and dead-letter writes.
 */
public record Backoff(Duration initial, Duration max) {

    /** The wait after {@code failuresInARow} failures, with a fresh random jitter. */
    public long nanos(int failuresInARow) {
        return nanos(failuresInARow, ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The wait after {@code failuresInARow} failures for a given jitter in [0, 1): 0 waits half of the exponential
     * step, 1 all of it. Callers that retry several things refused together draw one jitter for all of them.
     */
    public long nanos(int failuresInARow, double jitter) {
        long full = initial.toNanos();
        long cap = max.toNanos();
        for (int i = 1; i < failuresInARow && full < cap; i++) {
            full *= 2;
        }
        full = Math.min(full, cap);
        return full / 2 + (long) (jitter * (full / 2 + 1));
    }

    /** {@link #nanos(int)} in whole milliseconds, at least 1 (Vert.x timers take milliseconds). */
    public long millis(int failuresInARow) {
        return Math.max(1, nanos(failuresInARow) / 1_000_000);
    }
}
