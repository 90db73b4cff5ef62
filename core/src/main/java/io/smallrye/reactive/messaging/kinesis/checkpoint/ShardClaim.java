package io.smallrye.reactive.messaging.kinesis.checkpoint;

import java.util.Optional;

/**
 * The answer of a {@link CheckpointStore} when a channel wants to read a shard: whether the channel may read it now,
 * and from where.
 */
public final class ShardClaim {

    private static final ShardClaim NOT_OWNED = new ShardClaim(false, null, false, false);
    private static final ShardClaim NO_CHECKPOINT = new ShardClaim(true, null, false, false);
    private static final ShardClaim FROM_OLDEST = new ShardClaim(true, null, false, true);
    private static final ShardClaim ENDED = new ShardClaim(true, null, true, false);

    private final boolean owned;
    private final ShardPosition checkpoint;
    private final boolean ended;
    private final boolean fromOldest;

    private ShardClaim(boolean owned, ShardPosition checkpoint, boolean ended, boolean fromOldest) {
        this.owned = owned;
        this.checkpoint = checkpoint;
        this.ended = ended;
        this.fromOldest = fromOldest;
    }

    /** The shard is read by someone else for now (e.g. another node holds its lease); the channel asks again later. */
    public static ShardClaim notOwned() {
        return NOT_OWNED;
    }

    /** The channel may read the shard; nothing was checkpointed, so it starts at the channel's starting position. */
    public static ShardClaim noCheckpoint() {
        return NO_CHECKPOINT;
    }

    /**
     * The channel may read the shard, from its oldest record (TRIM_HORIZON) whatever the channel's starting position:
     * the store recorded that the shard is to be read from its start (e.g. a KCL lease whose checkpoint is
     * TRIM_HORIZON).
     */
    public static ShardClaim fromOldest() {
        return FROM_OLDEST;
    }

    /** The channel may read the shard and resumes after this position (every record up to it was processed). */
    public static ShardClaim resumeAfter(ShardPosition checkpoint) {
        return new ShardClaim(true, java.util.Objects.requireNonNull(checkpoint), false, false);
    }

    /** The shard is closed and all its records were processed: nothing to read; its children may be read. */
    public static ShardClaim alreadyEnded() {
        return ENDED;
    }

    public boolean owned() {
        return owned;
    }

    public Optional<ShardPosition> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }

    public boolean ended() {
        return ended;
    }

    /** Whether the shard is read from its oldest record, whatever the channel's starting position. */
    public boolean startsAtOldest() {
        return fromOldest;
    }

    @Override
    public String toString() {
        if (!owned) {
            return "not owned";
        }
        if (fromOldest) {
            return "from the oldest record";
        }
        return ended ? "ended" : checkpoint == null ? "no checkpoint" : "resume after " + checkpoint;
    }
}
