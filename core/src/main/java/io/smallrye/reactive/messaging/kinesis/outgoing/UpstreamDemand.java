package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an outgoing channel asks upstream for. It tops the demand up to what the channel may hold: the adaptive bound
 * of {@link SendRate} (what the measured send rate sends in half of shutdown-timeout) within max-buffered-records, and
 * max-buffered-bytes counting every message asked for and not delivered yet at max-record-bytes, so held bytes never
 * exceed it whatever sizes arrive. While shutting down: what the rate sends in the time left. Requests go out in chunks
 * (when at least half the allowed demand is missing), not one per message.
 * <p>
 * The context publishes the room its held records leave ({@link #topUp()}); upstream's threads top the demand up
 * against it as messages arrive ({@link #delivered()}), so that a fast sender does not wait for the context to wake.
 * Messages waiting in the {@link RecordInbox} count against the room with their own sizes. The three counts are read
 * in the order that never sees less than is held: what is asked for, then the inbox, then the room (the context takes
 * arrivals by publishing the smaller room before the inbox forgets them, see {@link #taken()}).
 */
final class UpstreamDemand {

    /** The room the records held by the context leave: records and bytes. */
    private record Room(long records, long bytes) {
    }

    private final OutgoingSettings settings;
    private final SendLoop loop;
    private final RecordInbox inbox;
    private final SerialRequests requests = new SerialRequests();
    /** Messages asked for and not delivered yet. */
    private final AtomicLong outstanding = new AtomicLong();
    private volatile Room room = new Room(0, 0);
    /** Closed: upstream may deliver all it has (each message is nacked), the bound no longer applies. */
    private volatile boolean unbounded;
    /** On the context: messages taken so far, to see whether upstream still delivers while shutting down. */
    private long arrivals;
    private long shutdownDeadlineNanos;

    UpstreamDemand(OutgoingSettings settings, SendLoop loop, RecordInbox inbox) {
        this.settings = settings;
        this.loop = loop;
        this.inbox = inbox;
    }

    /** On the context. @return false when the channel already has a subscription: the new one must be cancelled */
    boolean subscribe(Flow.Subscription s) {
        return requests.subscribe(s);
    }

    boolean subscribed() {
        return requests.subscribed();
    }

    /** Any thread: upstream delivered a message (after it went into the inbox). */
    void delivered() {
        outstanding.decrementAndGet();
        askForMore();
    }

    /** On the context: it took a message from the inbox. */
    void arrived() {
        arrivals++;
    }

    long arrivals() {
        return arrivals;
    }

    /** Whether demand is outstanding: upstream (an Emitter delivers what it buffered when asked) has nothing left. */
    boolean outstanding() {
        return outstanding.get() > 0;
    }

    /** On the context: from now on the bound is what the measured rate sends before the deadline. */
    void shutdownBy(long deadlineNanos) {
        shutdownDeadlineNanos = deadlineNanos;
    }

    /**
     * On the context, after it took arrivals into its held records and before the inbox forgets them: publishes the
     * smaller room, so that no thread counts them in neither place.
     */
    void taken() {
        publishRoom();
    }

    /** On the context, whenever what it holds or its bound changed: publishes the room and asks for what it allows. */
    void topUp() {
        if (unbounded) {
            return;
        }
        publishRoom();
        askForMore();
    }

    private void publishRoom() {
        long heldBytes = loop.heldBytes();
        long bytes = heldBytes >= loop.byteBound() ? 0 : settings.maxBufferedBytes() - heldBytes;
        long records = Math.max(0, recordLimit() - loop.heldRecords());
        room = new Room(records, bytes);
        // arrivals waiting in the inbox take room: the context takes them once they fill half of it
        inbox.wakeForDemand((int) Math.max(1, Math.min(Integer.MAX_VALUE, records / 2)));
    }

    /** Any thread: asks upstream for what the published room allows, if at least half of that is missing. */
    private void askForMore() {
        if (unbounded || !requests.subscribed()) {
            return;
        }
        while (true) {
            long asked = outstanding.get();
            long queuedRecords = inbox.queuedRecords();
            long queuedBytes = inbox.queuedBytes();
            Room now = room;
            long byteRoom = Math.max(0, now.bytes() - queuedBytes) / settings.maxRecordBytes();
            long target = Math.min(now.records() - queuedRecords, byteRoom);
            long missing = target - asked;
            if (missing <= 0 || missing < Math.max(1, target / 2)) {
                return;
            }
            if (outstanding.compareAndSet(asked, asked + missing)) {
                requests.request(missing);
                return;
            }
        }
    }

    /**
     * On the context. The most records the channel may hold now: its adaptive bound, or while shutting down what the
     * measured rate sends in three quarters of the time left (the rest is the margin for a slower end), within
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
        if (requests.subscribed()) {
            requests.request(Long.MAX_VALUE);
        }
    }
}
