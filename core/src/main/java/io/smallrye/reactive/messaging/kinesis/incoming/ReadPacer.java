package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Duration;

import io.smallrye.reactive.messaging.kinesis.client.Backoff;

/**
 * When one shard's reader may call GetRecords next. Kinesis allows 5 GetRecords calls per second per shard, shared by
 * every application reading the shard, so calls start at least {@link #MIN_CALL_SPACING} apart. A reader that is behind
 * calls again as soon as that allows; a reader that is caught up waits the poll interval, doubled with each empty page
 * in a row up to the idle poll interval (an idle shard is not polled 5 times a second, which would take the read
 * allowance of every other application reading it). That wait counts from the start of the call that brought the page,
 * not from its answer: a caught-up shard is read every poll interval, and a slow answer does not add its round trip to
 * the wait of every record. After a failure it waits an exponential backoff with jitter, at
 * least the call spacing from the failed answer (retries are paced where Kinesis counts them: they arrive there at least
 * 200 ms apart, as each call starts only after the previous one was answered). Not
 * thread-safe: used on the channel's event loop only. Times are
 * {@link System#nanoTime()} values.
 */
final class ReadPacer {

    /** 5 calls per second per shard. */
    static final Duration MIN_CALL_SPACING = Duration.ofMillis(200);

    private final long spacingNanos = MIN_CALL_SPACING.toNanos();
    private final long pollIntervalNanos;
    private final long idlePollIntervalNanos;
    private final Backoff backoff;
    private int emptyPages;
    private long lastCallStart;
    private boolean called;
    private long notBefore;
    private int failures;

    ReadPacer(Duration pollInterval, Duration idlePollInterval, Duration retryBackoff, Duration maxRetryBackoff) {
        this.pollIntervalNanos = pollInterval.toNanos();
        this.idlePollIntervalNanos = Math.max(pollIntervalNanos, idlePollInterval.toNanos());
        this.backoff = new Backoff(retryBackoff, maxRetryBackoff);
    }

    /** Nanoseconds to wait before the next GetRecords call; 0 when it may start now. */
    long delayNanos(long now) {
        long earliest = called ? Math.max(notBefore, lastCallStart + spacingNanos) : notBefore;
        return Math.max(0, earliest - now);
    }

    void callStarted(long now) {
        lastCallStart = now;
        called = true;
    }

    /**
     * A page came back: read again at once when behind, else after the poll interval, or longer after empty pages in a
     * row (poll interval × 2^(n-1) for the n-th, at most the idle poll interval), counted from the start of the call
     * that brought the page.
     */
    void pageReceived(long now, boolean behind, boolean empty) {
        failures = 0;
        emptyPages = empty && !behind ? emptyPages + 1 : 0;
        long callStart = called ? lastCallStart : now;
        if (behind) {
            notBefore = now;
        } else if (emptyPages <= 1) {
            notBefore = callStart + pollIntervalNanos;
        } else {
            long wait = pollIntervalNanos << Math.min(emptyPages - 1, 20);
            notBefore = callStart + Math.min(wait, idlePollIntervalNanos);
        }
    }

    /**
     * A call failed: wait a backoff that doubles with each failure in a row, and at least {@link #MIN_CALL_SPACING}
     * from this answer (not from the call's start), so that retries cannot reach Kinesis more than 5 times a second
     * however long the failed call took on its way. Returns the wait in nanoseconds.
     */
    long failed(long now) {
        failures++;
        long wait = Math.max(backoff.nanos(failures), spacingNanos);
        notBefore = now + wait;
        return wait;
    }

    int failuresInARow() {
        return failures;
    }
}
