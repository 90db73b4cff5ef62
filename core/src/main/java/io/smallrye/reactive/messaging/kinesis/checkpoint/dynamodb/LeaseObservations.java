package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which held leases look abandoned, judged by this node's own observation: a lease is expired once its holder and
 * counter did not change for the failover time, measured on this node's monotonic clock between scans. No clock of
 * another node, nor any timestamp in the table, is used, so clock skew between nodes does not matter.
 */
final class LeaseObservations {

    private record Seen(String owner, long counter, long sinceNanos) {
    }

    private final long failoverNanos;
    private final Map<String, Seen> seen = new HashMap<>();
    private final Set<String> moved = new HashSet<>();

    LeaseObservations(long failoverNanos) {
        this.failoverNanos = failoverNanos;
    }

    /**
     * Records a scan of the table made at {@code nowNanos}; returns the keys of the held leases that did not move
     * for the failover time.
     */
    Set<String> update(List<Lease> leases, long nowNanos) {
        Set<String> expired = new HashSet<>();
        Set<String> present = new HashSet<>();
        moved.clear();
        for (Lease lease : leases) {
            present.add(lease.key());
            Seen previous = seen.get(lease.key());
            if (previous == null || previous.counter() != lease.counter()
                    || !java.util.Objects.equals(previous.owner(), lease.owner())) {
                seen.put(lease.key(), new Seen(lease.owner(), lease.counter(), nowNanos));
                if (previous != null) {
                    moved.add(lease.key());
                }
            } else if (lease.owned() && nowNanos - previous.sinceNanos() >= failoverNanos) {
                expired.add(lease.key());
            }
        }
        seen.keySet().retainAll(present);
        return expired;
    }

    /**
     * The leases whose counter changed between the last two scans: their holders are renewing them now. Only those
     * are stolen for balancing, so that a lease whose holder cannot reach the table is left to expire (the holder
     * gives it up first) rather than read by two nodes.
     */
    Set<String> moving() {
        return Set.copyOf(moved);
    }
}
