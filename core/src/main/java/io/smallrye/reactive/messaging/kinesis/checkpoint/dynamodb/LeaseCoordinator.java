package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore.OwnershipListener;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.checkpoint.StreamInfo;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseLogging;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The leases of one channel: takes leases (balancing with the other nodes, {@link LeaseTaker}), renews those held,
 * gives up those it can no longer renew, and writes checkpoints, releases and shard ends, each conditional on the lease
 * still being this node's ({@link HeldLeases}); deletes the leases no longer needed ({@link LeaseCleaner}). Leases
 * taken for balance are handed over gracefully: marked by the taker ({@link LeaseHandOffs}), released by the holder
 * after its last checkpoint ({@link LeaseHandOver}).
 * <p>
 * It owns one Vert.x event-loop context: its state is touched there only, the lease table's answers arrive there
 * ({@link LeaseTable}), its timers (renewal, taking, give-up, clean-up) are timers of that context, and the
 * {@link OwnershipListener} is called there. Calls from the channel hop onto it; their Unis complete on it.
 */
final class LeaseCoordinator {

    private static final long TABLE_POLL_MS = 1000;

    private final LeaseSettings settings;
    private final ChannelContext context;
    private final LeaseTable table;
    private final LeaseHealth health;
    private final HeldLeases held;
    private final LeaseTaker taker;
    private final LeaseCleaner cleaner;
    private final LeaseHandOffs handOffs;
    private final LeaseHandOver handOver;
    private final List<UniEmitter<? super Void>> waitingForTable = new ArrayList<>();
    private boolean started;
    private boolean tableReady;
    private boolean closed;
    private final List<Long> timers = new ArrayList<>();

    LeaseCoordinator(LeaseSettings settings, DynamoDbAsyncClient client, Vertx vertx, OwnershipListener listener) {
        this.settings = settings;
        this.context = new ChannelContext("lease coordinator of " + settings.channel(), vertx);
        this.table = new LeaseTable(client, settings, context);
        this.health = new LeaseHealth(settings);
        this.held = new HeldLeases(settings, table, health, listener, context, this::handOverRequested);
        this.handOver = new LeaseHandOver(settings, held, listener, context);
        this.handOffs = new LeaseHandOffs(settings, table, context, held, health, listener);
        this.cleaner = new LeaseCleaner(settings, table, new ListedShards(), held::deleted);
        this.taker = new LeaseTaker(settings, table, context, held, health, listener, handOffs, cleaner::scanned);
    }

    /** A renewal found a held lease marked for a hand-off to another worker. */
    private void handOverRequested(HeldLease mine) {
        handOver.requested(mine);
    }

    List<String> problems() {
        return health.problems();
    }

    /** The context the coordinator's state lives on. */
    ChannelContext context() {
        return context;
    }

    /** Runs the action on the context when subscribed; the Uni completes there. */
    private <T> Uni<T> onContext(Supplier<Uni<T>> action) {
        return Uni.createFrom().deferred(action::get).runSubscriptionOn(context);
    }

    /** Every item of the lease table (a Scan), for tools; touches no state of the coordinator. */
    Uni<List<Lease>> scanTable() {
        return table.scan();
    }

    /** Runs the action on the context once the table is ready (making sure it is, the first time). */
    private <T> Uni<T> whenReady(Supplier<Uni<T>> action) {
        return onContext(() -> {
            start();
            return tableReady().chain(action::get);
        });
    }

    private Uni<Void> tableReady() {
        return tableReady ? Uni.createFrom().voidItem() : Uni.createFrom().emitter(waitingForTable::add);
    }

    /** Makes sure the table exists, then starts renewing and taking leases. Idempotent. */
    private void start() {
        if (started) {
            return;
        }
        started = true;
        KinesisLeaseLogging.log.leasesStarting(settings.channel(), settings.stream(), table.name(),
                settings.workerId(), settings.failoverTime().toMillis());
        awaitTable();
    }

    private void awaitTable() {
        if (!closed) {
            table.describeOrCreate().subscribe().with(this::tableStatus, failure -> {
                health.failed("describe or create the table", failure);
                context.setTimer(settings.takeInterval().toMillis(), this::awaitTable);
            });
        }
    }

    private void tableStatus(String status) {
        if (!"ACTIVE".equals(status)) {
            KinesisLeaseLogging.log.tableNotActive(settings.channel(), table.name(), status);
            context.setTimer(TABLE_POLL_MS, this::awaitTable);
            return;
        }
        health.worked();
        tableReady = true;
        timers.add(context.setPeriodic(settings.renewInterval().toMillis(), held::renewAll));
        timers.add(context.setPeriodic(settings.takeInterval().toMillis(), taker::scanAndTake));
        timers.add(context.setPeriodic(settings.giveUpCheckInterval().toMillis(), held::giveUpStale));
        if (settings.cleanupEnabled()) {
            timers.add(context.setPeriodic(settings.cleanupInterval().toMillis(), cleaner::cleanCompleted));
            timers.add(context.setPeriodic(settings.garbageCleanupInterval().toMillis(), cleaner::cleanGarbage));
        }
        taker.start();
        List<UniEmitter<? super Void>> waiting = List.copyOf(waitingForTable);
        waitingForTable.clear();
        waiting.forEach(emitter -> emitter.complete(null));
    }

    Uni<ShardClaim> claim(ShardInfo shard) {
        return whenReady(() -> {
            HeldLease mine = held.active(shard.shardId());
            return mine != null ? Uni.createFrom().item(claimOf(mine))
                    : table.get(shard.shardId()).chain(found -> claimFound(shard, found));
        });
    }

    /** The claim of a shard not held, given its lease as read (the lease may have been taken meanwhile). */
    private Uni<ShardClaim> claimFound(ShardInfo shard, Optional<Lease> found) {
        HeldLease takenMeanwhile = held.active(shard.shardId());
        if (takenMeanwhile != null) {
            return Uni.createFrom().item(claimOf(takenMeanwhile));
        }
        if (found.isEmpty()) {
            return cleaner.startedDescendant(shard.shardId()).chain(descendant -> {
                if (descendant.isPresent()) {
                    KinesisLeaseLogging.log.cleanedShardNotRead(settings.channel(), shard.shardId(), descendant.get());
                    return Uni.createFrom().item(ShardClaim.alreadyEnded());
                }
                Lease created = Lease.unowned(shard.shardId(), settings.initialCheckpoint(), shard.parentShardIds(),
                        shard.startingHashKey(), shard.endingHashKey());
                return table.create(created).invoke(taker::takeSoon).map(ignored -> ShardClaim.notOwned());
            });
        }
        Lease lease = found.get();
        if (lease.ended()) {
            return Uni.createFrom().item(ShardClaim.alreadyEnded());
        }
        if (!lease.owned() || settings.workerId().equals(lease.owner()) && !lease.handingOff()) {
            taker.takeSoon();
        }
        return Uni.createFrom().item(ShardClaim.notOwned());
    }

    /**
     * A held lease is read from its checkpoint; a stolen one only once its former holder had a renewal to notice the
     * steal, so that two nodes do not read the shard at the same time.
     */
    private static ShardClaim claimOf(HeldLease mine) {
        return System.nanoTime() < mine.readableAfterNanos ? ShardClaim.notOwned() : mine.lease.claim();
    }

    /**
     * What Kinesis says of the stream, before the first claim: names the leases in a multi-stream table. On the
     * channel's context; a stream that cannot be named fails here (the channel logs it).
     */
    void streamDescribed(StreamInfo info) {
        table.keys().describe(info);
    }

    /** The table key of a shard's lease (the shard id, or the multi-stream key). */
    String tableKey(String shardId) {
        return table.keys().key(shardId);
    }

    /** A complete listing of the stream's shards, from the channel: for lease clean-up and lineage. */
    void listed(List<ShardInfo> shards) {
        context.execute(() -> cleaner.listed(shards));
    }

    Uni<Void> save(String shardId, ShardPosition position) {
        return onContext(() -> held.checkpoint(shardId, position));
    }

    Uni<Void> release(String shardId, ShardPosition position) {
        return onContext(() -> held.release(shardId, position));
    }

    /** Records the shard's end, then creates the leases of its children (reading them from the oldest record). */
    Uni<Void> ended(String shardId, List<ShardInfo> children) {
        List<String> childIds = children.stream().map(ShardInfo::shardId).toList();
        return onContext(() -> held.end(shardId, childIds))
                .chain(() -> createChildren(children))
                .invoke(() -> {
                    KinesisLeaseLogging.log.leaseEnded(settings.channel(), shardId, childIds.toString());
                    taker.takeSoon();
                });
    }

    private Uni<Void> createChildren(List<ShardInfo> children) {
        if (children.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(children.stream().map(child -> table.create(Lease.unowned(child.shardId(),
                Lease.TRIM_HORIZON, child.parentShardIds(), child.startingHashKey(), child.endingHashKey()))).toList())
                .andFailFast().replaceWithVoid();
    }

    /** Stops renewing and taking, once the writes under way (the channel's releases) are done. */
    Uni<Void> close() {
        return onContext(() -> {
            closed = true;
            taker.close();
            handOffs.close();
            cleaner.close();
            timers.forEach(context::cancelTimer);
            timers.clear();
            return held.releaseAll();
        });
    }
}
