package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.concurrent.Flow;

/**
 * What an outgoing channel asks upstream for, on its context only. It tops the demand up to what the channel may hold:
 * the adaptive bound of {@link SendRate} (what the measured send rate sends in half of shutdown-timeout) within
 * max-buffered-records, and max-buffered-bytes counting every requested message at max-record-bytes, so held bytes
 * never exceed it whatever sizes arrive. While shutting down: what the rate sends in the time left. Requests go out in
 * chunks (when at least half the allowed demand is missing), not one per message. A message counts against the
 * demand until the context takes it, so what waits in the {@link RecordInbox} is within the bound too.
 */
final class UpstreamDemand {

    private final OutgoingSettings settings;
    private final SendLoop loop;
    private final RecordInbox inbox;
    private Flow.Subscription subscription;
    /** Messages asked for and not taken yet. */
    private long requested;
    /** Messages taken so far, to see whether upstream still delivers while shutting down. */
    private long arrivals;
    private long shutdownDeadlineNanos;
    /** Closed: upstream may deliver all it has (each message is nacked), the bound no longer applies. */
    private boolean unbounded;

    UpstreamDemand(OutgoingSettings settings, SendLoop loop, RecordInbox inbox) {
        this.settings = settings;
        this.loop = loop;
        this.inbox = inbox;
    }

    /** @return false when the channel already has a subscription: the new one must be cancelled */
    boolean subscribe(Flow.Subscription s) {
        if (subscription != null) {
            return false;
        }
        subscription = s;
        return true;
    }

    boolean subscribed() {
        return subscription != null;
    }

    /** The context took a message upstream delivered. */
    void arrived() {
        requested--;
        arrivals++;
    }

    long arrivals() {
        return arrivals;
    }

    /** Whether demand is outstanding: upstream (an Emitter delivers what it buffered when asked) has nothing left. */
    boolean outstanding() {
        return requested > 0;
    }

    /** From now on the bound is what the measured rate sends before the deadline. */
    void shutdownBy(long deadlineNanos) {
        shutdownDeadlineNanos = deadlineNanos;
    }

    void topUp() {
        if (subscription == null || unbounded) {
            return;
        }
        long heldBytes = loop.heldBytes();
        long byteRoom = heldBytes >= loop.byteBound() ? 0
                : (settings.maxBufferedBytes() - heldBytes) / settings.maxRecordBytes();
        long target = Math.min(recordLimit() - loop.heldRecords(), byteRoom);
        long missing = target - requested;
        if (missing > 0 && missing >= Math.max(1, target / 2)) {
            requested += missing;
            // before asking: upstream may deliver at once, on this thread
            inbox.wakeForDemand(wakeAfter());
            subscription.request(missing);
        } else {
            inbox.wakeForDemand(wakeAfter());
        }
    }

    /** The arrivals after which the context should look at the demand again: half of what is outstanding. */
    private int wakeAfter() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, requested / 2));
    }

    /**
     * The most records the channel may hold now: its adaptive bound, or while shutting down what the measured rate
     * sends in three quarters of the time left (the rest is the margin for a slower end), within
     * max-buffered-records.
     */
    long recordLimit() {
        if (shutdownDeadlineNanos == 0) {
            return loop.recordBound();
        }
        long left = (shutdownDeadlineNanos - System.nanoTime()) / 4 * 3;
        return left <= 0 ? 0 : Math.min(settings.maxBufferedRecords(), loop.recordsSendableIn(left));
    }

    /**
     * The channel is closed: takes everything upstream still buffers (messages accepted by an Emitter's send), so each
     * one is nacked as "channel closed" instead of vanishing with a cancelled subscription.
     */
    void takeAll() {
        unbounded = true;
        if (subscription != null) {
            subscription.request(Long.MAX_VALUE);
        }
    }
}
