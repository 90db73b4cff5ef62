package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore.OwnershipListener;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseLogging;

/**
 * The holder's side of a graceful hand-off (KCL 3's LeaseGracefulShutdownHandler): a renewal found a held lease marked
 * by another worker ({@code checkpointOwner} is this worker, {@code leaseOwner} the other). The channel is asked to
 * stop reading the shard, to wait for the records in flight (at most {@code lease-handoff-timeout}) and to release it;
 * the release writes the last checkpoint and clears the mark ({@link HeldLeases#release}), and the other worker reads
 * from there. Meanwhile the lease is renewed and checkpointed as before. A channel that does not release in time
 * (plus a renewal period for its last write) stops reading, and the lease is handed over at the last checkpoint
 * written. Used on the coordinator's context only.
 */
final class LeaseHandOver {

    private final LeaseSettings settings;
    private final HeldLeases held;
    private final OwnershipListener listener;
    private final ChannelContext context;

    LeaseHandOver(LeaseSettings settings, HeldLeases held, OwnershipListener listener, ChannelContext context) {
        this.settings = settings;
        this.held = held;
        this.listener = listener;
        this.context = context;
    }

    /** A renewal found the lease marked: asks the channel to release it, once. */
    void requested(HeldLease mine) {
        if (mine.handOverRequested || mine.finished) {
            return;
        }
        mine.handOverRequested = true;
        String taker = mine.lease.owner();
        KinesisLeaseLogging.log.handOffRequested(settings.channel(), taker, mine.key(),
                settings.handOffTimeout().toMillis());
        listener.shardHandOff(mine.key(), settings.handOffTimeout());
        long limit = settings.handOffTimeout().plus(settings.renewInterval()).toMillis();
        context.setTimer(limit, () -> {
            if (held.active(mine.key()) == mine) {
                KinesisLeaseLogging.log.handOffNotReleased(settings.channel(), mine.key(), limit, taker);
                listener.shardLost(mine.key());
                held.release(mine.key(), null).subscribe().with(ignored -> {
                }, failure -> {
                    // told by health, or the lease was lost meanwhile (logged)
                });
            }
        });
    }
}
