package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;

/**
 * Where messages accepted on upstream's threads (an Emitter's callers: any thread) wait for the channel's context: a
 * lock-free queue that the context empties in one task, so that records cross threads in bursts rather than one hop
 * each.
 * <p>
 * The context is woken only when it has something to do with what arrived: for sending ({@link #wakeForSending}),
 * when it holds nothing (the first record starts the buffer-time timer), while flushing, or once the arrivals fill
 * what the next request lacks; for demand ({@link #wakeForDemand}), once the arrivals fill half of the room the
 * channel's held records leave, so that upstream's threads can go on asking for more (see {@link UpstreamDemand}).
 * Otherwise arrivals wait for the context's next task (a timer, an answer), which takes them first: they were accepted
 * after the records that task is about, so nothing they carry is due earlier.
 */
final class RecordInbox {

    /** A message refused by validation: nacked on the context, in its place among the others. */
    record Rejected(Message<?> message, IllegalArgumentException reason) {
    }

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    /** Records and their bytes queued (taken ones are subtracted after each take). */
    private final AtomicInteger records = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private volatile int wakeAtRecords = 1;
    private volatile long wakeAtBytes = 1;
    private final ChannelContext context;
    /** On the context: the thresholds for sending and for demand, of which the published ones are the lowest. */
    private int sendingAtRecords = 1;
    private long sendingAtBytes = 1;
    private int demandAtRecords = 1;
    private final Consumer<Object> receiver;
    private final Runnable onTaken;
    private final Runnable afterTake;
    private final Runnable onWake;
    private final Consumer<Object> orphan;

    /**
     * @param receiver takes each arrival (a {@link PendingRecord} or a {@link Rejected}), on the context
     * @param onTaken run on the context once the receiver took records, before they leave the inbox's counts
     * @param afterTake run on the context after {@link #takeAll()} took something (the demand may grow)
     * @param onWake the task run on the context when a wake is due; it calls {@link #takeAll()} first
     * @param orphan nacks an arrival the context will never take (Vert.x no longer runs), on the caller's thread
     */
    RecordInbox(ChannelContext context, Consumer<Object> receiver, Runnable onTaken, Runnable afterTake,
            Runnable onWake, Consumer<Object> orphan) {
        this.context = context;
        this.receiver = receiver;
        this.onTaken = onTaken;
        this.afterTake = afterTake;
        this.onWake = onWake;
        this.orphan = orphan;
    }

    /** Any thread. */
    void offer(PendingRecord record) {
        queue.offer(record);
        int queued = records.incrementAndGet();
        long queuedBytes = bytes.addAndGet(record.size);
        if (queued >= wakeAtRecords || queuedBytes >= wakeAtBytes) {
            wake();
        }
    }

    /** Any thread: the context is woken at once, so that the message is nacked without waiting. */
    void offer(Rejected rejected) {
        queue.offer(rejected);
        wake();
    }

    private void wake() {
        if (!wakeScheduled.get() && wakeScheduled.compareAndSet(false, true) && !context.submit(this::woken)) {
            wakeScheduled.set(false);
            wakeAtRecords = 1;
            wakeAtBytes = 1;
            Object arrival;
            while ((arrival = queue.poll()) != null) {
                orphan.accept(arrival);
            }
        }
    }

    private void woken() {
        wakeScheduled.set(false);
        onWake.run();
    }

    /** On the context: hands everything queued to the receiver, in arrival order. */
    void takeAll() {
        int taken = 0;
        long takenBytes = 0;
        boolean any = false;
        Object arrival;
        while ((arrival = queue.poll()) != null) {
            any = true;
            if (arrival instanceof PendingRecord record) {
                taken++;
                takenBytes += record.size;
            }
            receiver.accept(arrival);
        }
        if (taken > 0) {
            onTaken.run();
            records.addAndGet(-taken);
            bytes.addAndGet(-takenBytes);
        }
        if (any) {
            afterTake.run();
        }
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Any thread: records queued and not taken yet. */
    int queuedRecords() {
        return records.get();
    }

    /** Any thread: their bytes. */
    long queuedBytes() {
        return bytes.get();
    }

    /**
     * On the context, whenever the send loop ran: wake it once that many records or bytes are queued (1: at the first
     * arrival; {@link Integer#MAX_VALUE} / {@link Long#MAX_VALUE}: not for sending, its next task takes them).
     */
    void wakeForSending(int records, long bytes) {
        sendingAtRecords = records;
        sendingAtBytes = bytes;
        publish();
    }

    /** On the context, whenever the room for upstream changed: wake it once that many records are queued. */
    void wakeForDemand(int records) {
        demandAtRecords = records;
        publish();
    }

    /**
     * Publishes the lowest thresholds, and wakes the context at once if that many are already queued: an arrival that
     * read the former thresholds while they changed is not left behind (both sides write, then read the other's
     * volatile).
     */
    private void publish() {
        int atRecords = Math.min(sendingAtRecords, demandAtRecords);
        if (atRecords != wakeAtRecords) {
            wakeAtRecords = atRecords;
        }
        if (sendingAtBytes != wakeAtBytes) {
            wakeAtBytes = sendingAtBytes;
        }
        if (records.get() >= atRecords || bytes.get() >= sendingAtBytes) {
            wake();
        }
    }
}
