package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore.OwnershipListener;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.Backoff;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseLogging;

/**
 * The leases this node holds, and their writes: renewals, checkpoints, releases and shard ends, one at a time per
 * lease, each conditional on the counter the previous one left. A write whose condition fails means the lease was
 * lost: the channel is told. Leases that could not be renewed for too long are given up. Used on the coordinator's
 * context only; the table's answers arrive there.
 */
final class HeldLeases {

    /** Attempts of a release or a shard end that fails for throttling or a transient error. */
    static final int LAST_WRITE_ATTEMPTS = 6;
    private static final Backoff LAST_WRITE_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    private final LeaseSettings settings;
    private final LeaseTable table;
    private final LeaseHealth health;
    private final OwnershipListener listener;
    private final Map<String, HeldLease> held = new HashMap<>();
    private final ChannelContext context;
    private final Consumer<HeldLease> marked;

    /** @param marked told when a renewal finds a held lease marked for a hand-off to another worker */
    HeldLeases(LeaseSettings settings, LeaseTable table, LeaseHealth health, OwnershipListener listener,
            ChannelContext context, Consumer<HeldLease> marked) {
        this.context = context;
        this.marked = marked;
        this.settings = settings;
        this.table = table;
        this.health = health;
        this.listener = listener;
    }

    /** The lease of the shard, while held and not finished; null otherwise. */
    HeldLease active(String shardId) {
        HeldLease mine = held.get(shardId);
        return mine == null || mine.finished ? null : mine;
    }

    /** Any lease of the shard this node still has an entry for (finished ones too, while their last write runs). */
    HeldLease get(String shardId) {
        return held.get(shardId);
    }

    void add(HeldLease lease) {
        held.put(lease.key(), lease);
    }

    Collection<HeldLease> all() {
        return List.copyOf(held.values());
    }

    Uni<Void> checkpoint(String shardId, ShardPosition position) {
        return write(shardId, "checkpoint",
                lease -> table.checkpoint(shardId, lease.counter(), settings.workerId(), position),
                lease -> lease.withCheckpoint(position, lease.counter() + 1), false);
    }

    /** Gives the lease up, or hands it over when another worker marked it (its owner stays that worker's). */
    Uni<Void> release(String shardId, ShardPosition position) {
        return write(shardId, "release", lease -> lease.handingOff()
                ? table.handOver(shardId, lease.counter(), settings.workerId(), position)
                : table.release(shardId, lease.counter(), settings.workerId(), position),
                lease -> {
                    String checkpoint = position != null ? position.toString() : lease.checkpoint();
                    if (lease.handingOff()) {
                        KinesisLeaseLogging.log.handedOver(settings.channel(), shardId, lease.owner(), checkpoint);
                        listener.shardLost(shardId); // a reader started meanwhile (a claim under way) stops too
                    } else {
                        KinesisLeaseLogging.log.leaseReleased(settings.channel(), shardId, checkpoint);
                    }
                    return lease.withOwner(null, lease.counter() + 1);
                }, true);
    }

    Uni<Void> end(String shardId, List<String> children) {
        return write(shardId, "end", lease -> table.end(shardId, lease.counter(), settings.workerId(), children),
                lease -> lease.withOwner(null, lease.counter() + 1), true);
    }

    /**
     * Renews every held lease that has no write under way (that write renews it). The lease as renewed tells whether
     * another worker marked it for a hand-off.
     */
    void renewAll() {
        for (HeldLease mine : all()) {
            if (!mine.finished && mine.pendingWrites() == 0) {
                List<Lease> renewed = new ArrayList<>(1);
                write(mine.key(), "renewal", lease -> table.renew(mine.key(), lease.counter(), settings.workerId())
                        .map(answer -> {
                            answer.ifPresent(renewed::add);
                            return answer.isPresent();
                        }), lease -> renewed.isEmpty() ? lease.withCounter(lease.counter() + 1) : renewed.get(0), false)
                        .subscribe().with(ignored -> {
                            if (held.get(mine.key()) == mine && !mine.finished
                                    && settings.workerId().equals(mine.lease.checkpointOwner())) {
                                marked.accept(mine);
                            }
                        }, failure -> {
                            // told by health, or the lease was lost (logged)
                        });
            }
        }
    }

    /**
     * Releases the leases held without a reader (children waiting for their parents), so others need not wait for them
     * to expire; completes once every write under way (the channel's releases) is answered.
     */
    Uni<Void> releaseAll() {
        List<Uni<Void>> idle = new ArrayList<>();
        for (HeldLease mine : all()) {
            if (!mine.finished) {
                release(mine.key(), null).subscribe().with(ignored -> {
                }, failure -> {
                    // told by health
                });
            }
            idle.add(mine.idle());
        }
        return idle.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(idle).andFailFast().replaceWithVoid();
    }

    /**
     * Queues a conditional write of a held lease behind its previous writes; sent when the Uni is subscribed. When the
     * condition fails the lease is lost: the channel is told, the Uni fails. {@code last}: the lease is no longer held
     * after it.
     */
    private Uni<Void> write(String shardId, String operation, Function<Lease, Uni<Boolean>> request,
            UnaryOperator<Lease> written, boolean last) {
        return Uni.createFrom().emitter(done -> {
            HeldLease mine = active(shardId);
            if (mine == null) {
                done.fail(notHeld(shardId, operation));
                return;
            }
            if (last) {
                mine.finished = true; // no renewal behind it, no new write after it
            }
            mine.queued.add(new HeldLease.Write(operation, request, written, last, done));
            if (!mine.writing) {
                sendNext(mine);
            }
        });
    }

    private void sendNext(HeldLease mine) {
        HeldLease.Write write = mine.queued.poll();
        while (write != null && held.get(mine.key()) != mine) { // lost or given up meanwhile
            write.done().fail(notHeld(mine.key(), write.operation()));
            write = mine.queued.poll();
        }
        if (write == null) {
            mine.writing = false;
            mine.becameIdle();
            return;
        }
        mine.writing = true;
        long sent = System.nanoTime();
        HeldLease.Write sending = write;
        sending.request().apply(mine.lease).subscribe().with(
                ok -> answered(mine, sending, ok, sent),
                failure -> failed(mine, sending, failure));
    }

    private void answered(HeldLease mine, HeldLease.Write write, boolean ok, long sent) {
        mine.writing = false;
        if (!ok) {
            lose(mine, "its " + write.operation() + " found another counter or owner");
            write.done().fail(KinesisLeaseExceptions.ex.leaseLost(settings.channel(), mine.key(), table.name(),
                    write.operation()));
        } else {
            health.worked();
            mine.lease = write.written().apply(mine.lease);
            mine.lastWrittenNanos = sent;
            if (write.last()) {
                held.remove(mine.key(), mine);
            }
            write.done().complete(null);
        }
        sendNextUnlessSending(mine);
    }

    private void failed(HeldLease mine, HeldLease.Write write, Throwable failure) {
        health.failed(write.operation() + " the lease of shard " + mine.key(), failure);
        FailureKind kind = AwsErrors.classify(failure);
        if (write.last() && (kind == FailureKind.THROTTLED || kind == FailureKind.TRANSIENT)
                && ++mine.lastWriteFailures < LAST_WRITE_ATTEMPTS) {
            // a release or a shard end has no later write to make up for it (checkpoints and renewals have the next
            // one): it is sent again after the back-off, still first in the lease's queue, nothing sent meanwhile
            mine.queued.addFirst(write);
            context.setTimer(LAST_WRITE_BACKOFF.millis(mine.lastWriteFailures), () -> {
                mine.writing = false;
                sendNext(mine);
            });
            return;
        }
        mine.writing = false;
        write.done().fail(failure);
        sendNextUnlessSending(mine);
    }

    /** Whoever waited for the write may have queued another one, and started it. */
    private void sendNextUnlessSending(HeldLease mine) {
        if (!mine.writing) {
            sendNext(mine);
        }
    }

    /** The lease was deleted by the lease clean-up (its shard is gone): no longer held, nothing more written. */
    void deleted(String shardId) {
        HeldLease mine = active(shardId);
        if (mine != null) {
            mine.finished = true;
            held.remove(shardId, mine);
            listener.shardLost(shardId);
        }
    }

    void lose(HeldLease lease, String how) {
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
    void giveUpStale() {
        long now = System.nanoTime();
        for (HeldLease mine : all()) {
            long since = now - mine.lastWrittenNanos;
            if (!mine.finished && since > settings.holdWithoutRenewal().toNanos()) {
                mine.finished = true;
                held.remove(mine.key(), mine);
                KinesisLeaseLogging.log.leaseGivenUp(settings.channel(), mine.key(), since / 1_000_000, table.name());
                listener.shardLost(mine.key());
            }
        }
    }

    private IllegalStateException notHeld(String shardId, String operation) {
        return KinesisLeaseExceptions.ex.leaseNotHeld(settings.channel(), settings.workerId(), shardId, table.name(),
                operation);
    }
}
