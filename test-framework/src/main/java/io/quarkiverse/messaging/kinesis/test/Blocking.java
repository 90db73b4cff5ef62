package io.quarkiverse.messaging.kinesis.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling helpers of the companion's blocking calls (test threads, never an event loop). */
final class Blocking {

    static final Duration POLL = Duration.ofMillis(50);

    private Blocking() {
    }

    /** @return whether the condition became true before the deadline ({@link System#nanoTime()}) */
    static boolean pollUntil(BooleanSupplier condition, long deadline) {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            pause();
        }
        return true;
    }

    static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kinesis", e);
        }
    }

    static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
