package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: before attempt n+1 after n failures in a row, wait between half and all of
 * {@code initial * 2^(n-1)}, capped at {@code max}.
 */
record Backoff(Duration initial, Duration max) {

    long nanos(int failuresInARow) {
        long full = initial.toNanos();
        long cap = max.toNanos();
        for (int i = 1; i < failuresInARow && full < cap; i++) {
            full *= 2;
        }
        full = Math.min(full, cap);
        return full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
    }

    long millis(int failuresInARow) {
        return Math.max(1, nanos(failuresInARow) / 1_000_000);
    }
}
