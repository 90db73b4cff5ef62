package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;

/**
 * When the send loop wakes up by itself: one Vert.x timer on the channel's context, at the next deadline still ahead
 * (the oldest waiting record's buffer-time, or the end of a retry backoff). Deadlines already passed need no timer:
 * what is due but could not be sent waits for a request in flight (max-in-flight reached, or its partition key in
 * flight), whose answer runs the loop again. Used on the context only.
 */
final class BatchTimer {

    private static final long NO_TIMER = -1;

    private final ChannelContext context;
    private final long bufferTimeNanos;
    private final Runnable onFire;
    private long timerId = NO_TIMER;
    private long timerAtNanos;
    /** Tells the armed timer's firing from a cancelled one's that Vert.x had already queued. */
    private long generation;

    BatchTimer(ChannelContext context, long bufferTimeNanos, Runnable onFire) {
        this.context = context;
        this.bufferTimeNanos = bufferTimeNanos;
        this.onFire = onFire;
    }

    /** When the oldest waiting record is due by buffer-time. */
    long bufferTimeDueAt(PendingRecords waiting) {
        return waiting.oldestEnqueuedAtNanos() + bufferTimeNanos;
    }

    /** Arms the timer for the next deadline of what is waiting still ahead of {@code nowNanos}, if any. */
    void rearm(PendingRecords waiting, long nowNanos) {
        if (waiting.isEmpty()) {
            return;
        }
        long next = bufferTimeDueAt(waiting);
        boolean hasNext = next - nowNanos > 0;
        OptionalLong retryAt = waiting.nextRetryAtNanos(nowNanos);
        if (retryAt.isPresent() && (!hasNext || retryAt.getAsLong() - next < 0)) {
            next = retryAt.getAsLong();
            hasNext = true;
        }
        if (hasNext) {
            armAt(next, nowNanos);
        }
    }

    private void armAt(long atNanos, long nowNanos) {
        if (timerId != NO_TIMER && timerAtNanos - atNanos <= 0) {
            return; // the armed timer fires first: it re-arms for what is left then
        }
        cancel();
        long fired = ++generation;
        timerAtNanos = atNanos;
        // Vert.x timers count whole milliseconds: round up, so that the loop does not wake before the deadline
        long delayMillis = TimeUnit.NANOSECONDS.toMillis(atNanos - nowNanos + 999_999);
        timerId = context.setTimer(delayMillis, () -> fire(fired));
    }

    private void fire(long fired) {
        if (fired != generation || timerId == NO_TIMER) {
            return;
        }
        timerId = NO_TIMER;
        onFire.run();
    }

    void cancel() {
        if (timerId != NO_TIMER) {
            context.cancelTimer(timerId);
            timerId = NO_TIMER;
        }
    }
}
