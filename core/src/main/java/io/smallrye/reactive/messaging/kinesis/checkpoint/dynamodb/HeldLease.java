package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.concurrent.CompletableFuture;

/**
 * A lease this node holds: the item as last written by this node, when a write last succeeded, and the tail of its
 * writes, which run one at a time (each is conditional on the counter the previous one left).
 */
final class HeldLease {

    Lease lease;
    /** When the last successful write was sent (monotonic clock): the lease is safe until failover-time after it. */
    long lastWrittenNanos;
    CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    int pendingWrites;
    /** Before this time (monotonic clock) the channel may not read the shard yet: a stolen lease's hand-over. */
    long readableAfterNanos;
    /** Released, ended or lost: no further write, no renewal. */
    boolean finished;

    HeldLease(Lease lease, long lastWrittenNanos) {
        this.lease = lease;
        this.lastWrittenNanos = lastWrittenNanos;
    }

    String key() {
        return lease.key();
    }
}
