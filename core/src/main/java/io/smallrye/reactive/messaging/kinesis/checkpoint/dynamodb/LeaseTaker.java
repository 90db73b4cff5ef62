package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore.OwnershipListener;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseLogging;

/**
 * Scans the lease table, notices leases lost to other nodes and shards ended elsewhere, and takes leases as the
 * {@link LeaseBalancer} decides. Used on the coordinator's context only.
 */
final class LeaseTaker {

    private static final long TAKE_SOON_MS = 100;

    private final LeaseSettings settings;
    private final LeaseTable table;
    private final ChannelContext context;
    private final HeldLeases held;
    private final LeaseHealth health;
    private final OwnershipListener listener;
    private final LeaseObservations observations;
    private final LeaseBalancer balancer;
    private final Consumer<List<Lease>> scans;
    private final LeaseHandOffs handOffs;
    private final Set<String> endedSeen = new HashSet<>();
    private boolean scanning;
    private boolean takeSoon;
    private boolean started;
    private boolean closed;

    /**
     * @param handOffs the leases this worker marked for a graceful hand-off (lease-graceful-handoff), instead of stealing
     * @param scans told of every scan of the table (the lease cleaner)
     */
    LeaseTaker(LeaseSettings settings, LeaseTable table, ChannelContext context, HeldLeases held, LeaseHealth health,
            OwnershipListener listener, LeaseHandOffs handOffs, Consumer<List<Lease>> scans) {
        this.scans = scans;
        this.handOffs = handOffs;
        this.settings = settings;
        this.table = table;
        this.context = context;
        this.held = held;
        this.health = health;
        this.listener = listener;
        this.observations = new LeaseObservations(settings.failoverTime().toNanos());
        this.balancer = new LeaseBalancer(settings.workerId(), new Random());
    }

    /** The table is ready: scans from now on. */
    void start() {
        started = true;
        scanAndTake();
    }

    /** No scan, no take from now on. */
    void close() {
        closed = true;
    }

    /** Scans soon (a lease was created or ended), once however often it is asked in the meantime. */
    void takeSoon() {
        if (!takeSoon && !closed && started) {
            takeSoon = true;
            context.setTimer(TAKE_SOON_MS, () -> {
                takeSoon = false;
                scanAndTake();
            });
        }
    }

    /** Scans the table, notices lost leases and ended shards, and takes leases as the balancer decides. */
    void scanAndTake() {
        if (scanning || closed) {
            return;
        }
        scanning = true;
        long now = System.nanoTime();
        table.scan().subscribe().with(leases -> scanned(leases, now), failure -> {
            scanning = false;
            if (!closed) {
                health.failed("scan", failure);
            }
        });
    }

    private void scanned(List<Lease> leases, long now) {
        scanning = false;
        if (closed) {
            return;
        }
        health.worked();
        scans.accept(leases);
        Set<String> expired = observations.update(leases, now);
        Set<String> heldKeys = new HashSet<>(handOffs.keys());
        for (Lease lease : leases) {
            HeldLease mine = held.get(lease.key());
            if (mine != null && !mine.finished && mine.pendingWrites() == 0 && lease.counter() > mine.lease.counter()) {
                held.lose(mine, "taken by worker '" + lease.owner() + "'");
            } else if (mine != null) {
                heldKeys.add(lease.key());
            } else if (lease.handingOff() && settings.workerId().equals(lease.owner())) {
                handOffs.adopt(lease); // handed over to this worker: it waits for the holder
                heldKeys.add(lease.key());
            }
            if (lease.ended() && endedSeen.add(lease.key())) {
                listener.shardAvailable(lease.key()); // its children may be read now
            }
        }
        LeaseBalancer.Decision decision = balancer.decide(leases, expired, heldKeys, observations.moving());
        for (Lease lease : decision.take()) {
            String how = !lease.owned() ? "nobody held it"
                    : settings.workerId().equals(lease.owner()) ? "held by this worker before a restart"
                            : decision.steal() ? "balancing: taken from worker '" + lease.owner() + "'"
                                    : "expired: worker '" + lease.owner() + "' stopped renewing it";
            if (decision.steal() && settings.gracefulHandOff()) {
                handOffs.mark(lease);
            } else {
                take(lease, how, decision.steal());
            }
        }
    }

    private void take(Lease seen, String how, boolean steal) {
        long sent = System.nanoTime();
        table.take(seen, settings.workerId()).subscribe().with(
                ok -> taken(seen, ok, how, steal, sent),
                failure -> health.failed("take the lease of shard " + seen.key(), failure));
    }

    /**
     * A held lease is read from its checkpoint; a stolen one only once its former holder had a renewal to notice the
     * steal, so that two nodes do not read the shard at the same time.
     */
    private void taken(Lease seen, boolean ok, String how, boolean steal, long sent) {
        if (ok && closed) {
            // taken while closing: given back at once
            table.release(seen.key(), seen.counter() + 1, settings.workerId(), null).subscribe().with(ignored -> {
            }, failure -> {
            });
        } else if (ok) {
            HeldLease mine = new HeldLease(seen.withOwner(settings.workerId(), seen.counter() + 1), sent);
            held.add(mine);
            KinesisLeaseLogging.log.leaseTaken(settings.channel(), settings.workerId(), seen.key(), how);
            if (steal) {
                mine.readableAfterNanos = System.nanoTime() + settings.stealHandOver().toNanos();
                context.setTimer(settings.stealHandOver().toMillis(), () -> {
                    if (held.get(seen.key()) == mine && !mine.finished) {
                        listener.shardAvailable(seen.key());
                    }
                });
            } else {
                listener.shardAvailable(seen.key());
            }
        }
    }
}
