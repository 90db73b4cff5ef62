package io.smallrye.reactive.messaging.kinesis.checkpoint;

import java.time.Duration;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;

/**
 * Where an incoming channel keeps, per shard, the position up to which every record was processed (acked or nacked
 * and handled by the failure strategy), so that reading can resume there.
 * <p>
 * A store may also decide which shards a channel reads (a store shared by several nodes hands out leases): it answers
 * {@link #claim(String)} with {@link ShardClaim#notOwned()} for a shard read elsewhere, and tells the channel through
 * {@link OwnershipListener#shardLost(String)} when a shard it was reading is no longer its own; the channel then stops
 * that shard's reader without saving, and claims the shard again at its next shard discovery. A store that hands
 * shards over gracefully calls {@link OwnershipListener#shardHandOff(String, Duration)} instead: the channel stops the
 * reader, and releases the shard once the records in flight are processed.
 * <p>
 * The channel calls a store from its Vert.x event loop and subscribes at once to the {@link Uni} returned: methods
 * must not block, and the work is done when the Uni completes. Nothing is expected to happen before the subscription.
 * A Uni may complete on any thread: the channel hops back onto its own context. For one shard, calls come in this
 * order: {@code claim}, then any number of {@code save}, then {@code ended} (the shard is closed and fully processed)
 * or {@code release} (the channel stops reading it). A failed Uni is logged by the channel (rate-limited) and never
 * stops it: a failed {@code save} is carried by the next one, a failed {@code claim} is tried again after the next
 * shard listing.
 * <p>
 * A channel reading several streams ({@code streams}) has one store per stream, each created with its stream: a store
 * keys its positions by shard within its own stream.
 * <p>
 * Stores are created by {@link Factory} beans, chosen with the channel attribute {@code checkpoint-store} matching the
 * factory's {@code @Identifier}.
 */
public interface CheckpointStore {

    /** Creates the store of one incoming channel. A CDI bean qualified with {@code @Identifier}. */
    interface Factory {
        /**
         * @param stream the stream the store keeps the positions of (a name or an ARN, as configured); a channel
         *        reading several streams creates one store per stream
         */
        CheckpointStore create(KinesisConnectorIncomingConfiguration configuration, String stream,
                OwnershipListener listener);
    }

    /**
     * How a store tells the channel that shards changed hands. A store may call it from any thread (the DynamoDB store
     * calls it on its lease coordinator's Vert.x context): the channel hops onto its own context before it acts, and
     * the call returns at once.
     */
    @FunctionalInterface
    interface OwnershipListener {
        /** The channel may no longer read the shard: it stops its reader at once, without saving. */
        void shardLost(String shardId);

        /**
         * The shard may be worth claiming again: the store took it for this channel, or another node finished it
         * (so its children may be read). The channel claims it, unless it already reads it.
         */
        default void shardAvailable(String shardId) {
        }

        /**
         * Another consumer takes the shard over gracefully (a lease handed over for balance): the channel stops its
         * reader at once, waits for the records it handed on to complete (at most {@code drainTimeout}), then calls
         * {@link CheckpointStore#release(String, ShardPosition)} with the last processed position, so that the next
         * consumer starts right after it and processes no record twice. The default stops reading at once, as
         * {@link #shardLost(String)}; the store then gives the shard up at its own time limit.
         */
        default void shardHandOff(String shardId, Duration drainTimeout) {
            shardLost(shardId);
        }
    }

    /**
     * What Kinesis says of the store's stream (its ARN and creation time), once it is readable: called on the channel's
     * context before the first {@link #shardsListed(List)} and the first claim; returns at once. A store keeping several
     * streams in one place can name the stream with it (the DynamoDB store's multi-stream lease keys do).
     */
    default void streamDescribed(StreamInfo stream) {
    }

    /**
     * Every shard of the stream, open and closed, as a complete ListShards answered it (every page; a failed or
     * partial listing is never passed). Called after each successful listing, before the claims it leads to, on the
     * channel's context; returns at once. A shared store can tell from it which shards no longer exist, and which
     * shards descend from which. Listings of one channel come one after the other, never overlapping.
     */
    default void shardsListed(List<ShardInfo> shards) {
    }

    /**
     * The channel wants to read the shard: may it, and from where?
     */
    Uni<ShardClaim> claim(String shardId);

    /** As {@link #claim(String)}, with what the channel knows of the shard. The channel calls this one. */
    default Uni<ShardClaim> claim(ShardInfo shard) {
        return claim(shard.shardId());
    }

    /** Every record of the shard up to {@code position} (included) was processed. Called periodically. */
    Uni<Void> save(String shardId, ShardPosition position);

    /** The shard is closed and every record of it was processed; children of the shard can be read from now on. */
    Uni<Void> ended(String shardId);

    /**
     * As {@link #ended(String)}, with the shard's children as far as the channel knows them (empty if it does not).
     * The channel calls this one.
     */
    default Uni<Void> ended(String shardId, List<ShardInfo> children) {
        return ended(shardId);
    }

    /**
     * The channel stops reading the shard (shutdown, or a hand-off asked by the store). {@code position} is the last processed
     * position, or {@code null}
     * when nothing was processed since the claim.
     */
    Uni<Void> release(String shardId, ShardPosition position);

    /**
     * What keeps the store from working now (e.g. its database is unreachable), for health; empty when all is well.
     * Synchronous: health calls it from any thread, so it only reads state the store publishes safely (the DynamoDB
     * store: a volatile field written on its context).
     */
    default List<String> problems() {
        return List.of();
    }

    /** The channel is stopping; called after the last {@code release} completed. */
    default Uni<Void> close() {
        return Uni.createFrom().voidItem();
    }
}
