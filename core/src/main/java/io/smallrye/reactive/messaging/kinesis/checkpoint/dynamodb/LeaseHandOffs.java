package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore.OwnershipListener;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseLogging;

/**
 * The taking side of graceful hand-offs (KCL 3's initiateGracefulLeaseHandoff): instead of stealing a lease for
 * balance, this worker marks it ({@code leaseOwner} = this worker, {@code checkpointOwner} = the holder, see
 * {@link LeaseTable#mark}) and does not read the shard until the holder wrote its last checkpoint and cleared the mark
 * ({@link LeaseHandOver}). It reads the lease at its renewal cadence meanwhile; once the mark is gone, the lease is
 * held ({@link HeldLeases}) and the channel told, and it reads from that last checkpoint.
 * <p>
 * Fallbacks: a holder that stops renewing for the failover time is gone (killed, or cut from the table): the lease is
 * taken from its last checkpoint, at once (the holder stopped reading two renewals after its last write). A holder that
 * renews but does not hand over within {@link LeaseSettings#handOffGiveUp()} (a worker that does not know the mark) is
 * stolen from as without hand-off: the lease is read after {@link LeaseSettings#stealHandOver()}. A lease written by a
 * third worker or deleted meanwhile is forgotten. Used on the coordinator's context only.
 */
final class LeaseHandOffs {

    /** A lease this worker marked, waiting for its holder. */
    private static final class Waiting {
        final String holder;
        final long markedNanos;
        long counter;
        long movedNanos;
        long timer = -1;

        Waiting(Lease marked, long now) {
            this.holder = marked.checkpointOwner();
            this.markedNanos = now;
            this.counter = marked.counter();
            this.movedNanos = now;
        }
    }

    private final LeaseSettings settings;
    private final LeaseTable table;
    private final ChannelContext context;
    private final HeldLeases held;
    private final LeaseHealth health;
    private final OwnershipListener listener;
    private final Map<String, Waiting> waiting = new HashMap<>();
    private boolean closed;

    LeaseHandOffs(LeaseSettings settings, LeaseTable table, ChannelContext context, HeldLeases held,
            LeaseHealth health, OwnershipListener listener) {
        this.settings = settings;
        this.table = table;
        this.context = context;
        this.held = held;
        this.health = health;
        this.listener = listener;
    }

    /** The keys of the leases marked by this worker and not handed over yet: counted as held by the balancer. */
    Set<String> keys() {
        return Set.copyOf(waiting.keySet());
    }

    /** Marks a lease held by a live worker, for balance. */
    void mark(Lease seen) {
        if (closed || waiting.containsKey(seen.key())) {
            return;
        }
        table.mark(seen, settings.workerId()).subscribe().with(ok -> {
            if (ok && !closed) {
                KinesisLeaseLogging.log.handOffMarked(settings.channel(), settings.workerId(), seen.key(), seen.owner());
                waitFor(new Lease(seen.key(), settings.workerId(), seen.counter(), seen.checkpoint(),
                        seen.subSequenceNumber(), seen.ownerSwitches(), seen.parents(), seen.children(),
                        seen.startingHashKey(), seen.endingHashKey(), seen.owner()));
            }
        }, failure -> health.failed("mark the lease of shard " + seen.key() + " for a hand-off", failure));
    }

    /**
     * A scan found a lease marked for this worker that it does not wait for (it was restarted since it marked it, or
     * another worker assigned it so): waits for the holder as if it had marked it.
     */
    void adopt(Lease marked) {
        if (!closed && !waiting.containsKey(marked.key()) && held.get(marked.key()) == null) {
            waitFor(marked);
        }
    }

    private void waitFor(Lease marked) {
        Waiting state = new Waiting(marked, System.nanoTime());
        waiting.put(marked.key(), state);
        schedule(marked.key(), state);
    }

    private void schedule(String key, Waiting state) {
        state.timer = context.setTimer(settings.renewInterval().toMillis(), () -> poll(key, state));
    }

    private void poll(String key, Waiting state) {
        if (closed || waiting.get(key) != state) {
            return;
        }
        long sent = System.nanoTime();
        table.get(key).subscribe().with(found -> read(key, state, found, sent), failure -> {
            health.failed("read the lease of shard " + key + " handed over", failure);
            if (!closed && waiting.get(key) == state) {
                schedule(key, state);
            }
        });
    }

    private void read(String key, Waiting state, Optional<Lease> found, long sent) {
        if (closed || waiting.get(key) != state) {
            return;
        }
        health.worked();
        if (found.isEmpty() || !settings.workerId().equals(found.get().owner())) {
            waiting.remove(key);
            KinesisLeaseLogging.log.handOffAbandoned(settings.channel(), key, found.isEmpty() ? "its lease was deleted"
                    : "the lease now belongs to worker '" + found.get().owner() + "'");
            listener.shardAvailable(key); // read elsewhere, or its children may be read
            return;
        }
        Lease lease = found.get();
        if (!lease.handingOff()) {
            waiting.remove(key);
            KinesisLeaseLogging.log.handOffCompleted(settings.channel(), settings.workerId(), key, state.holder,
                    (sent - state.markedNanos) / 1_000_000, lease.checkpoint()
                            + (lease.subSequenceNumber() == 0 ? "" : "/" + lease.subSequenceNumber()));
            hold(lease, sent, false);
            return;
        }
        if (lease.counter() != state.counter) {
            state.counter = lease.counter();
            state.movedNanos = sent;
        }
        long still = sent - state.movedNanos;
        if (still >= settings.failoverTime().toNanos()) {
            KinesisLeaseLogging.log.handOffHolderGone(settings.channel(), lease.checkpointOwner(), key,
                    still / 1_000_000);
            take(key, state, lease, false);
        } else if (sent - state.markedNanos >= settings.handOffGiveUp().toNanos()) {
            KinesisLeaseLogging.log.handOffNotAnswered(settings.channel(), lease.checkpointOwner(), key,
                    (sent - state.markedNanos) / 1_000_000);
            take(key, state, lease, true);
        } else {
            schedule(key, state);
        }
    }

    /** Takes the lease without the holder (clearing the mark), conditional on the counter just read. */
    private void take(String key, Waiting state, Lease seen, boolean holderMayStillRead) {
        long sent = System.nanoTime();
        table.take(seen, settings.workerId()).subscribe().with(ok -> {
            if (closed || waiting.get(key) != state) {
                return;
            }
            if (ok) {
                waiting.remove(key);
                hold(seen.withOwner(settings.workerId(), seen.counter() + 1), sent, holderMayStillRead);
            } else {
                schedule(key, state); // written meanwhile: read again
            }
        }, failure -> {
            health.failed("take the lease of shard " + key, failure);
            if (!closed && waiting.get(key) == state) {
                schedule(key, state);
            }
        });
    }

    /** The lease is this worker's: held and renewed from now on; the channel reads it (after a delay if need be). */
    private void hold(Lease lease, long writtenNanos, boolean delayed) {
        HeldLease mine = new HeldLease(lease, writtenNanos);
        held.add(mine);
        if (!delayed) {
            listener.shardAvailable(lease.key());
            return;
        }
        // the holder may still read until its next renewal finds the lease gone
        mine.readableAfterNanos = System.nanoTime() + settings.stealHandOver().toNanos();
        context.setTimer(settings.stealHandOver().toMillis(), () -> {
            if (held.get(lease.key()) == mine && !mine.finished) {
                listener.shardAvailable(lease.key());
            }
        });
    }

    /** No more polls; leases still marked are handed over to nobody and expire, as any lease of a stopped worker. */
    void close() {
        closed = true;
        waiting.values().forEach(state -> {
            if (state.timer != -1) {
                context.cancelTimer(state.timer);
            }
        });
        waiting.clear();
    }
}
