package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayDeque;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;

/**
 * What happened to the records fetched from one shard: how many are pending (fetched, not yet acked or nacked), and
 * the position up to which <em>all</em> of them completed, whatever the order of the acks.
 * <p>
 * Records are registered in shard order when fetched; each gets a {@link Delivery} that its message completes. The
 * completed position only moves over an unbroken run of completed deliveries, so it is always safe to resume after.
 * Thread-safe: messages complete on any thread.
 */
final class ShardProgress {

    /** A fetched record, completed once by its message's ack, or its nack once the failure strategy handled it. */
    static final class Delivery {
        private final RecordPosition position;
        private boolean done;

        private Delivery(RecordPosition position) {
            this.position = position;
        }

        ShardPosition position() {
            return position.shardPosition();
        }

        long subSequenceNumber() {
            return position.subSequenceNumber();
        }
    }

    private final String shardId;
    private final ArrayDeque<Delivery> outstanding = new ArrayDeque<>();
    /** The checkpoint the shard started from, until a record completes; may be null. */
    private final ShardPosition checkpoint;
    /** The last record of the unbroken run of completed records, once there is one. */
    private RecordPosition completed;
    private long fetched;
    private int pending;
    private Runnable roomListener;
    private int wakeAtPending;
    private Runnable allCompletedListener;

    ShardProgress(String shardId, ShardPosition checkpoint) {
        this.shardId = shardId;
        this.checkpoint = checkpoint;
    }

    String shardId() {
        return shardId;
    }

    synchronized Delivery fetched(ShardPosition position) {
        return fetched(RecordPosition.of(position));
    }

    synchronized Delivery fetched(RecordPosition position) {
        Delivery delivery = new Delivery(position);
        outstanding.addLast(delivery);
        fetched++;
        pending++;
        return delivery;
    }

    /**
     * Marks a record completed; moves the completed position over the run of completed records at the head. Runs the
     * room listener, if one waits, outside the lock.
     */
    void complete(Delivery delivery) {
        Runnable listener;
        synchronized (this) {
            if (delivery.done) {
                return;
            }
            delivery.done = true;
            pending--;
            Delivery head;
            while ((head = outstanding.peekFirst()) != null && head.done) {
                outstanding.pollFirst();
                completed = head.position;
            }
            listener = null;
            if (roomListener != null && pending <= wakeAtPending) {
                listener = roomListener;
                roomListener = null;
            }
            if (pending == 0 && allCompletedListener != null) {
                Runnable room = listener;
                Runnable allCompleted = allCompletedListener;
                allCompletedListener = null;
                listener = room == null ? allCompleted : () -> {
                    room.run();
                    allCompleted.run();
                };
            }
        }
        if (listener != null) {
            listener.run();
        }
    }

    /** Runs {@code listener} (once) when no record is pending: now, or at the completion that empties the shard. */
    void whenAllCompleted(Runnable listener) {
        synchronized (this) {
            if (pending > 0) {
                allCompletedListener = listener;
                return;
            }
        }
        listener.run();
    }

    /** Records fetched and not completed yet. */
    synchronized int pending() {
        return pending;
    }

    /**
     * Returns the number of records that may be fetched under {@code bound} when it is at least {@code least}, else 0
     * and registers {@code listener} to run (once) when completions made that much room.
     */
    synchronized int roomFor(int bound, int least, Runnable listener) {
        int room = bound - pending;
        if (room >= least) {
            return room;
        }
        roomListener = listener;
        wakeAtPending = bound - least;
        return 0;
    }

    /** The position up to which every fetched record completed (or the checkpoint it started from); may be null. */
    synchronized ShardPosition completedPosition() {
        return completed == null ? checkpoint : completed.shardPosition();
    }

    synchronized long fetchedCount() {
        return fetched;
    }
}
