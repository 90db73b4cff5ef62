package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.RepeatedFailures;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseLogging;

/**
 * Deletes the leases no longer needed, by the rules of the KCL's LeaseCleanupManager:
 * <ul>
 * <li>a lease at SHARD_END once each of its children has a lease whose checkpoint is past the start (not TRIM_HORIZON,
 * AT_TIMESTAMP or missing: the child's reading has begun) and the leases of its own parents are gone, so the oldest
 * go first and a lease's parents never outlive it ({@link #cleanCompleted()}, every lease-cleanup-interval);</li>
 * <li>a lease whose shard the stream no longer has (past the retention period), as told by the channel's complete
 * listings ({@link ListedShards#gone}, every garbage-lease-cleanup-interval).</li>
 * </ul>
 * It works from the {@link LeaseTaker}'s scans (no reads of its own). Every node may clean; to spare duplicate deletes,
 * only the node with the smallest worker id among itself and the holders of the last scan does. Deletes are
 * conditional on the checkpoint seen (SHARD_END for a finished shard), so a lease written meanwhile is kept, and two
 * nodes cleaning at once do no harm. A failed delete is logged (one line, rate-limited) and tried again at the next
 * clean-up. Used on the coordinator's context only.
 */
final class LeaseCleaner {

    private static final String DELETE = "delete";

    private final LeaseSettings settings;
    private final LeaseTable table;
    private final ListedShards listed;
    private final Consumer<String> deletedLeases;
    private final RepeatedFailures failures = new RepeatedFailures();
    private List<Lease> lastScan = List.of();
    private boolean deleting;
    private boolean closed;

    /** @param deletedLeases told of each lease deleted (this node may hold a lease of a shard gone) */
    LeaseCleaner(LeaseSettings settings, LeaseTable table, ListedShards listed, Consumer<String> deletedLeases) {
        this.settings = settings;
        this.deletedLeases = deletedLeases;
        this.table = table;
        this.listed = listed;
    }

    /** A scan of the whole table (consistent read). */
    void scanned(List<Lease> leases) {
        lastScan = List.copyOf(leases);
    }

    /** A complete listing of the stream's shards. */
    void listed(List<ShardInfo> shards) {
        listed.listed(shards, lastScan.stream().map(Lease::key).toList(), System.nanoTime());
    }

    void close() {
        closed = true;
    }

    /** Deletes the leases of finished shards whose children have started (timer). */
    void cleanCompleted() {
        completedPass().subscribe().with(ignored -> {
        });
    }

    /** Deletes the leases of shards the stream no longer has (timer). */
    void cleanGarbage() {
        garbagePass().subscribe().with(ignored -> {
        });
    }

    /** The deletes of finished shards' leases; completes when they are answered (never fails). */
    Uni<Void> completedPass() {
        if (!mayClean()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, Lease> byKey = byKey();
        List<Uni<Void>> deletes = new ArrayList<>();
        for (Lease lease : lastScan) {
            if (!lease.ended()) {
                continue;
            }
            List<String> children = lease.children().isEmpty() ? listed.children(lease.key()) : lease.children();
            if (!children.isEmpty() && children.stream().allMatch(child -> started(byKey.get(child)))
                    && lease.parents().stream().noneMatch(byKey::containsKey)) {
                deletes.add(delete(lease, () -> KinesisLeaseLogging.log.leaseCleanedCompleted(settings.channel(),
                        lease.key(), table.name(), children.toString())));
            }
        }
        return run(deletes);
    }

    /** The deletes of leases of shards gone from the stream; completes when they are answered (never fails). */
    Uni<Void> garbagePass() {
        if (!mayClean()) {
            return Uni.createFrom().voidItem();
        }
        long now = System.nanoTime();
        long after = settings.garbageCleanupInterval().toNanos();
        List<Uni<Void>> deletes = new ArrayList<>();
        for (Lease lease : lastScan) {
            if (listed.gone(lease.key(), now, after)) {
                deletes.add(delete(lease, () -> KinesisLeaseLogging.log.leaseCleanedGone(settings.channel(),
                        lease.key(), table.name(), settings.stream())));
            }
        }
        return run(deletes);
    }

    /**
     * The descendant whose lease shows that a shard without a lease was read to its end (and its lease cleaned up): a
     * descendant whose reading has begun, which it does only once its parents, and theirs, are finished. A descendant
     * with a lease not started yet proves nothing (the lease of a merged child is created when its first parent ends,
     * while the other may not even have a lease yet). From the last scan, else read from the table.
     */
    Uni<Optional<String>> startedDescendant(String shardId) {
        List<String> descendants = listed.descendants(shardId);
        if (descendants.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        Map<String, Lease> byKey = byKey();
        Optional<String> known = descendants.stream().filter(key -> started(byKey.get(key))).findFirst();
        if (known.isPresent()) {
            return Uni.createFrom().item(known);
        }
        return Uni.join().all(descendants.stream().map(table::get).toList()).andFailFast()
                .map(found -> found.stream().flatMap(Optional::stream).filter(LeaseCleaner::started).map(Lease::key)
                        .findFirst());
    }

    private boolean mayClean() {
        if (closed || deleting || lastScan.isEmpty()) {
            return false;
        }
        String first = settings.workerId();
        for (Lease lease : lastScan) {
            if (lease.owned() && lease.owner().compareTo(first) < 0) {
                first = lease.owner();
            }
        }
        return first.equals(settings.workerId());
    }

    private Map<String, Lease> byKey() {
        Map<String, Lease> byKey = new HashMap<>();
        lastScan.forEach(lease -> byKey.put(lease.key(), lease));
        return byKey;
    }

    /** Whether the child's reading has begun: the KCL's rule (a checkpoint other than TRIM_HORIZON, AT_TIMESTAMP). */
    private static boolean started(Lease child) {
        return child != null && child.checkpoint() != null && !Lease.TRIM_HORIZON.equals(child.checkpoint())
                && !Lease.AT_TIMESTAMP.equals(child.checkpoint());
    }

    private Uni<Void> delete(Lease lease, Runnable deleted) {
        return table.delete(lease.key(), lease.checkpoint())
                .onItem().invoke(ok -> {
                    failures.succeeded(DELETE);
                    if (ok) {
                        lastScan = lastScan.stream().filter(seen -> !seen.key().equals(lease.key())).toList();
                        deleted.run();
                        deletedLeases.accept(lease.key());
                    } else {
                        KinesisLeaseLogging.log.leaseCleanupKept(settings.channel(), lease.key());
                    }
                })
                .onFailure().invoke(failure -> failed(lease.key(), failure))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void failed(String shardId, Throwable failure) {
        KinesisLeaseLogging.log.leaseCleanupFailedDetail(settings.channel(), shardId, failure);
        long notLogged = failures.admit(DELETE);
        if (notLogged >= 0) {
            KinesisLeaseLogging.log.leaseCleanupFailed(settings.channel(), table.name(), shardId,
                    AwsErrors.summary(failure), notLogged);
        }
    }

    /** Runs the deletes of one clean-up, one clean-up at a time (each delete recovers from its failure). */
    private Uni<Void> run(List<Uni<Void>> deletes) {
        if (deletes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        deleting = true;
        return Uni.join().all(deletes).andCollectFailures().replaceWithVoid()
                .eventually(() -> deleting = false);
    }
}
