package io.smallrye.reactive.messaging.kinesis.client;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Rate limit for failure logs: the first failure of a kind (a shard's reads, a stream's sends) is logged, the next
 * ones are counted, and a line with their count is allowed once per interval while they go on. A success resets the
 * kind, so the next failure is logged at once. Thread-safe.
 */
public final class RepeatedFailures {

    /** Logged at most this often per kind while failures go on. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    private final long intervalNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, long[]> kinds = new ConcurrentHashMap<>();

    public RepeatedFailures() {
        this(DEFAULT_INTERVAL, System::nanoTime);
    }

    public RepeatedFailures(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.clock = nanoClock;
    }

    /**
     * A failure of this kind happened.
     *
     * @return -1 when it must not be logged; otherwise how many failures of the kind were not logged before it (0 for
     *         the first one)
     */
    public long admit(String kind) {
        long now = clock.getAsLong();
        long[] result = { -1 };
        // state: [0] when the last line was logged, [1] failures counted since
        kinds.compute(kind, (key, state) -> {
            if (state == null) {
                result[0] = 0;
                return new long[] { now, 0 };
            }
            if (now - state[0] >= intervalNanos) {
                result[0] = state[1];
                state[0] = now;
                state[1] = 0;
            } else {
                state[1]++;
            }
            return state;
        });
        return result[0];
    }

    /** The kind works again: its next failure is logged at once. */
    public void succeeded(String kind) {
        kinds.remove(kind);
    }
}
