package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore.OwnershipListener;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseLogging;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

/**
 * The leases of one channel: takes leases (balancing with the other nodes), renews those held, gives up those it can
 * no longer renew, and writes checkpoints, releases and shard ends, each conditional on the lease still being this
 * node's. Its state lives on a Vert.x event-loop context of its own: no lock, no thread of its own.
 */
final class LeaseCoordinator {

    private static final long TAKE_SOON_MS = 100;
    private static final long TABLE_POLL_MS = 1000;

    private final LeaseSettings settings;
    private final LeaseTable table;
    private final OwnershipListener listener;
    private final ContextInternal context;
    private final LeaseObservations observations;
    private final LeaseBalancer balancer;
    private final LeaseHealth health;
    private final Map<String, HeldLease> held = new HashMap<>();
    private final Set<String> endedSeen = new HashSet<>();
    private final CompletableFuture<Void> tableReady = new CompletableFuture<>();
    private boolean started;
    private boolean scanning;
    private boolean takeSoon;
    private boolean closed;
    private long renewTimer = -1;
    private long takeTimer = -1;
    private long giveUpTimer = -1;

    LeaseCoordinator(LeaseSettings settings, LeaseTable table, Vertx vertx, OwnershipListener listener) {
        this.settings = settings;
        this.table = table;
        this.listener = listener;
        this.context = ((VertxInternal) vertx).createEventLoopContext();
        this.observations = new LeaseObservations(settings.failoverTime().toNanos());
        this.balancer = new LeaseBalancer(settings.workerId(), new Random());
        this.health = new LeaseHealth(settings);
    }

    List<String> problems() {
        return health.problems();
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
        if (closed) {
            return;
        }
        table.describeOrCreate().whenComplete((status, failure) -> context.runOnContext(ignored -> {
            if (failure != null) {
                health.failed("describe or create the table", failure);
                context.setTimer(settings.takeInterval().toMillis(), id -> awaitTable());
            } else if (!"ACTIVE".equals(status)) {
                KinesisLeaseLogging.log.tableNotActive(settings.channel(), table.name(), status);
                context.setTimer(TABLE_POLL_MS, id -> awaitTable());
            } else {
                health.worked();
                tableReady.complete(null);
                renewTimer = context.setPeriodic(settings.renewInterval().toMillis(), id -> renewAll());
                takeTimer = context.setPeriodic(settings.takeInterval().toMillis(), id -> scanAndTake());
                giveUpTimer = context.setPeriodic(settings.giveUpCheckInterval().toMillis(), id -> giveUpStale());
                scanAndTake();
            }
        }));
    }

    /** Runs the action on the context once the table is ready. */
    private <T> CompletionStage<T> whenReady(Supplier<CompletionStage<T>> action) {
        return onContext(() -> {
            start();
            return tableReady.thenCompose(ignored -> onContext(action));
        });
    }

    private <T> CompletionStage<T> onContext(Supplier<CompletionStage<T>> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            try {
                action.get().whenComplete((value, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(LeaseTable.unwrap(failure));
                    } else {
                        result.complete(value);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    CompletionStage<ShardClaim> claim(ShardInfo shard) {
        return whenReady(() -> {
            HeldLease mine = held.get(shard.shardId());
            if (mine != null && !mine.finished) {
                return CompletableFuture.completedFuture(claimOf(mine));
            }
            return table.get(shard.shardId()).thenCompose(found -> onContext(() -> {
                HeldLease takenMeanwhile = held.get(shard.shardId());
                if (takenMeanwhile != null && !takenMeanwhile.finished) {
                    return CompletableFuture.completedFuture(claimOf(takenMeanwhile));
                }
                if (found.isEmpty()) {
                    Lease created = Lease.unowned(shard.shardId(), settings.initialCheckpoint(), shard.parentShardIds(),
                            shard.startingHashKey(), shard.endingHashKey());
                    return table.create(created).thenApply(ignored -> {
                        takeSoon();
                        return ShardClaim.notOwned();
                    });
                }
                Lease lease = found.get();
                if (lease.ended()) {
                    return CompletableFuture.completedFuture(ShardClaim.alreadyEnded());
                }
                if (!lease.owned() || settings.workerId().equals(lease.owner())) {
                    takeSoon();
                }
                return CompletableFuture.completedFuture(ShardClaim.notOwned());
            }));
        });
    }

    CompletionStage<Void> save(String shardId, ShardPosition position) {
        return onContext(() -> write(shardId, "checkpoint",
                (lease) -> table.checkpoint(shardId, lease.counter(), settings.workerId(), position),
                (lease) -> lease.withCheckpoint(position, lease.counter() + 1), false));
    }

    CompletionStage<Void> release(String shardId, ShardPosition position) {
        return onContext(() -> write(shardId, "release",
                (lease) -> table.release(shardId, lease.counter(), settings.workerId(), position),
                (lease) -> {
                    KinesisLeaseLogging.log.leaseReleased(settings.channel(), shardId, String.valueOf(position));
                    return lease.withOwner(null, lease.counter() + 1);
                }, true));
    }

    CompletionStage<Void> ended(String shardId, List<ShardInfo> children) {
        List<String> childIds = children.stream().map(ShardInfo::shardId).toList();
        return onContext(() -> write(shardId, "end",
                (lease) -> table.end(shardId, lease.counter(), settings.workerId(), childIds),
                (lease) -> lease.withOwner(null, lease.counter() + 1), true)
                .thenCompose(ignored -> createChildren(children))
                .thenRun(() -> {
                    KinesisLeaseLogging.log.leaseEnded(settings.channel(), shardId, childIds.toString());
                    context.runOnContext(v -> takeSoon());
                }));
    }

    private CompletionStage<Void> createChildren(List<ShardInfo> children) {
        List<CompletableFuture<Boolean>> creations = new ArrayList<>();
        for (ShardInfo child : children) {
            creations.add(table.create(Lease.unowned(child.shardId(), Lease.TRIM_HORIZON, child.parentShardIds(),
                    child.startingHashKey(), child.endingHashKey())).toCompletableFuture());
        }
        return CompletableFuture.allOf(creations.toArray(CompletableFuture[]::new));
    }

    /**
     * Queues a conditional write of a held lease behind its previous writes. When the condition fails the lease is
     * lost: the channel is told, the stage fails. {@code last}: the lease is no longer held after it.
     */
    private CompletionStage<Void> write(String shardId, String operation,
            Function<Lease, CompletionStage<Boolean>> request, Function<Lease, Lease> written, boolean last) {
        HeldLease mine = held.get(shardId);
        if (mine == null || mine.finished) {
            return CompletableFuture.failedFuture(KinesisLeaseExceptions.ex.leaseNotHeld(settings.channel(),
                    settings.workerId(), shardId, table.name(), operation));
        }
        if (last) {
            mine.finished = true; // no renewal behind it, no new write after it
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        mine.pendingWrites++;
        mine.tail = mine.tail.thenCompose(ignored -> {
            CompletableFuture<Void> step = new CompletableFuture<>();
            context.runOnContext(v -> {
                if (held.get(shardId) != mine) { // lost or given up meanwhile
                    mine.pendingWrites--;
                    result.completeExceptionally(KinesisLeaseExceptions.ex.leaseNotHeld(settings.channel(),
                            settings.workerId(), shardId, table.name(), operation));
                    step.complete(null);
                    return;
                }
                long sent = System.nanoTime();
                request.apply(mine.lease).whenComplete((ok, failure) -> context.runOnContext(w -> {
                    mine.pendingWrites--;
                    if (failure != null) {
                        health.failed(operation + " the lease of shard " + shardId, failure);
                        result.completeExceptionally(failure);
                    } else if (!ok) {
                        lose(mine, "its " + operation + " found another counter or owner");
                        result.completeExceptionally(KinesisLeaseExceptions.ex.leaseLost(settings.channel(),
                                shardId, table.name(), operation));
                    } else {
                        health.worked();
                        mine.lease = written.apply(mine.lease);
                        mine.lastWrittenNanos = sent;
                        if (last) {
                            held.remove(shardId, mine);
                        }
                        result.complete(null);
                    }
                    step.complete(null);
                }));
            });
            return step;
        });
        return result;
    }

    private void lose(HeldLease lease, String how) {
        lease.finished = true;
        if (held.remove(lease.key(), lease)) {
            KinesisLeaseLogging.log.leaseLost(settings.channel(), lease.key(), how);
            listener.shardLost(lease.key());
        }
    }

    /**
     * Gives up the leases not written for too long (the table cannot be reached): the channel stops reading them
     * before any other node may judge them expired. Checked often, so that the stop is not late by a renewal period.
     */
    private void giveUpStale() {
        long now = System.nanoTime();
        for (HeldLease mine : List.copyOf(held.values())) {
            long since = now - mine.lastWrittenNanos;
            if (!mine.finished && since > settings.holdWithoutRenewal().toNanos()) {
                mine.finished = true;
                held.remove(mine.key(), mine);
                KinesisLeaseLogging.log.leaseGivenUp(settings.channel(), mine.key(), since / 1_000_000, table.name());
                listener.shardLost(mine.key());
            }
        }
    }

    /** Renews every held lease that has no write under way (that write renews it). */
    private void renewAll() {
        for (HeldLease mine : List.copyOf(held.values())) {
            if (!mine.finished && mine.pendingWrites == 0) {
                write(mine.key(), "renewal",
                        (lease) -> table.renew(mine.key(), lease.counter(), settings.workerId()),
                        (lease) -> lease.withCounter(lease.counter() + 1), false);
            }
        }
    }

    private void takeSoon() {
        if (!takeSoon && !closed && tableReady.isDone()) {
            takeSoon = true;
            context.setTimer(TAKE_SOON_MS, id -> {
                takeSoon = false;
                scanAndTake();
            });
        }
    }

    /** Scans the table, notices lost leases and ended shards, and takes leases as the balancer decides. */
    private void scanAndTake() {
        if (scanning || closed) {
            return;
        }
        scanning = true;
        long now = System.nanoTime();
        table.scan().whenComplete((leases, failure) -> context.runOnContext(ignored -> {
            scanning = false;
            if (closed) {
                return;
            }
            if (failure != null) {
                health.failed("scan", failure);
                return;
            }
            health.worked();
            Set<String> expired = observations.update(leases, now);
            Set<String> heldKeys = new HashSet<>();
            for (Lease lease : leases) {
                HeldLease mine = held.get(lease.key());
                if (mine != null && !mine.finished && mine.pendingWrites == 0 && lease.counter() > mine.lease.counter()) {
                    lose(mine, "taken by worker '" + lease.owner() + "'");
                } else if (mine != null) {
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
                take(lease, how, decision.steal());
            }
        }));
    }

    /**
     * A held lease is read from its checkpoint; a stolen one only once its former holder had a renewal to notice the
     * steal, so that two nodes do not read the shard at the same time.
     */
    private static ShardClaim claimOf(HeldLease mine) {
        return System.nanoTime() < mine.readableAfterNanos ? ShardClaim.notOwned() : mine.lease.claim();
    }

    private void take(Lease seen, String how, boolean steal) {
        long sent = System.nanoTime();
        table.take(seen, settings.workerId()).whenComplete((ok, failure) -> context.runOnContext(ignored -> {
            if (failure != null) {
                health.failed("take the lease of shard " + seen.key(), failure);
            } else if (ok && closed) {
                table.release(seen.key(), seen.counter() + 1, settings.workerId(), null); // taken while closing
            } else if (ok) {
                HeldLease mine = new HeldLease(seen.withOwner(settings.workerId(), seen.counter() + 1), sent);
                held.put(seen.key(), mine);
                KinesisLeaseLogging.log.leaseTaken(settings.channel(), settings.workerId(), seen.key(), how);
                if (steal) {
                    long waitMillis = settings.stealHandOver().toMillis();
                    mine.readableAfterNanos = System.nanoTime() + settings.stealHandOver().toNanos();
                    context.setTimer(waitMillis, id -> {
                        if (held.get(seen.key()) == mine && !mine.finished) {
                            listener.shardAvailable(seen.key());
                        }
                    });
                } else {
                    listener.shardAvailable(seen.key());
                }
            }
        }));
    }

    /** Stops renewing and taking, once the writes under way (the channel's releases) are done. */
    CompletionStage<Void> close() {
        return onContext(() -> {
            closed = true;
            if (renewTimer != -1) {
                context.owner().cancelTimer(renewTimer);
            }
            if (takeTimer != -1) {
                context.owner().cancelTimer(takeTimer);
            }
            if (giveUpTimer != -1) {
                context.owner().cancelTimer(giveUpTimer);
            }
            // leases held without a reader (children waiting for their parents) go back too, so others need not
            // wait for them to expire
            for (HeldLease mine : List.copyOf(held.values())) {
                if (!mine.finished) {
                    write(mine.key(), "release", lease -> table.release(mine.key(), lease.counter(),
                            settings.workerId(), null), lease -> lease.withOwner(null, lease.counter() + 1), true);
                }
            }
            List<CompletableFuture<Void>> tails = new ArrayList<>();
            held.values().forEach(mine -> tails.add(mine.tail));
            return CompletableFuture.allOf(tails.toArray(CompletableFuture[]::new));
        });
    }
}
