package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * A lease this node holds: the item as last written by this node, when a write last succeeded, and its writes, which
 * run one at a time (each is conditional on the counter the previous one left). Touched on the coordinator's context
 * only.
 */
final class HeldLease {

    /**
     * A write waiting for its turn: the request, made from the lease as last written; what the lease is once it is
     * written; whether the lease is no longer held after it; who waits for it.
     */
    record Write(String operation, Function<Lease, Uni<Boolean>> request, UnaryOperator<Lease> written, boolean last,
            UniEmitter<? super Void> done) {
    }

    Lease lease;
    /** When the last successful write was sent (monotonic clock): the lease is safe until failover-time after it. */
    long lastWrittenNanos;
    /** Before this time (monotonic clock) the channel may not read the shard yet: a stolen lease's hand-over. */
    long readableAfterNanos;
    /** Another worker marked the lease for a hand-off and the channel was asked to release it. */
    boolean handOverRequested;
    /** Released, ended or lost: no further write, no renewal. */
    boolean finished;
    /** Failed attempts of the release or shard end under way (retried when throttled or transient). */
    int lastWriteFailures;
    /** A write was sent and not answered yet (or a failed release or shard end waits for its next attempt). */
    boolean writing;
    final Deque<Write> queued = new ArrayDeque<>();
    private final List<Runnable> whenIdle = new ArrayList<>();

    HeldLease(Lease lease, long lastWrittenNanos) {
        this.lease = lease;
        this.lastWrittenNanos = lastWrittenNanos;
    }

    String key() {
        return lease.key();
    }

    /** Writes sent or waiting. */
    int pendingWrites() {
        return queued.size() + (writing ? 1 : 0);
    }

    /** Completes once no write is sent or waiting. */
    Uni<Void> idle() {
        return Uni.createFrom().emitter(done -> {
            if (pendingWrites() == 0) {
                done.complete(null);
            } else {
                whenIdle.add(() -> done.complete(null));
            }
        });
    }

    /** The last write was answered and none waits. */
    void becameIdle() {
        List<Runnable> waiting = List.copyOf(whenIdle);
        whenIdle.clear();
        waiting.forEach(Runnable::run);
    }
}
