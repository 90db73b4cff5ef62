package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayDeque;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;

/**
 * What happened to the records fetched from one shard: how many are pending (fetched, not yet acked or nacked), and
 * the position up to which <em>all</em> of them completed, whatever the order of the acks.
 * <p>
 * Records are registered in shard order when fetched; each gets a {@link Delivery} that its message completes. The
 * completed position only moves over an unbroken run of completed deliveries, so it is always safe to resume after.
 * Channel context only: a message acked on another thread hops onto it first ({@link ReceivedRecord#complete()}).
 * The listeners run inside the completion that calls them; the reader's room listener only schedules its next step.
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

    private final String stream;
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
        this(null, shardId, checkpoint);
    }

    /** @param stream the stream of the shard, as configured; null when unknown (its records name the channel's) */
    ShardProgress(String stream, String shardId, ShardPosition checkpoint) {
        this.stream = stream;
        this.shardId = shardId;
        this.checkpoint = checkpoint;
    }

    /** The stream of the shard, as configured (a name or an ARN); null when unknown. */
    String stream() {
        return stream;
    }

    String shardId() {
        return shardId;
    }

    Delivery fetched(ShardPosition position) {
        return fetched(RecordPosition.of(position));
    }

    Delivery fetched(RecordPosition position) {
        Delivery delivery = new Delivery(position);
        outstanding.addLast(delivery);
        fetched++;
        pending++;
        return delivery;
    }

    /**
     * Marks a record completed (a second completion of it counts for nothing); moves the completed position over the
     * run of completed records at the head. Runs the room listener when the completion made the room it waits for,
     * and the all-completed listener when no record is left pending.
     */
    void complete(Delivery delivery) {
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
        if (roomListener != null && pending <= wakeAtPending) {
            Runnable room = roomListener;
            roomListener = null;
            room.run();
        }
        if (pending == 0 && allCompletedListener != null) {
            Runnable allCompleted = allCompletedListener;
            allCompletedListener = null;
            allCompleted.run();
        }
    }

    /**
     * Runs {@code listener} (once) when no record is pending: now, or at the completion that empties the shard. Each
     * listener registered meanwhile runs then, in the order registered (a shard that ends drains, and the stop may
     * wait for the same records).
     */
    void whenAllCompleted(Runnable listener) {
        if (pending > 0) {
            Runnable earlier = allCompletedListener;
            allCompletedListener = earlier == null ? listener : () -> {
                earlier.run();
                listener.run();
            };
        } else {
            listener.run();
        }
    }

    /** Records fetched and not completed yet. */
    int pending() {
        return pending;
    }

    /**
     * Returns the number of records that may be fetched under {@code bound} when it is at least {@code least}, else 0
     * and registers {@code listener} to run (once) at the completion that leaves room for {@code least}: the reader
     * asks again then.
     */
    int roomFor(int bound, int least, Runnable listener) {
        int room = bound - pending;
        if (room >= least) {
            return room;
        }
        roomListener = listener;
        wakeAtPending = bound - least;
        return 0;
    }

    /** The position up to which every fetched record completed (or the checkpoint it started from); may be null. */
    ShardPosition completedPosition() {
        return completed == null ? checkpoint : completed.shardPosition();
    }

    long fetchedCount() {
        return fetched;
    }
}
