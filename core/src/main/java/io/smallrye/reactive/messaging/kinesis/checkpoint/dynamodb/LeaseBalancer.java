package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Decides which leases a node takes after a scan. Every node aims at ceil(open leases / live nodes), a live node
 * being one holding a lease that is not expired. Below that, it takes leases nobody holds (or expired ones, or its
 * own from before a restart) first; when there are none, it steals one lease from the most loaded node, only if that
 * node holds more than the target, and only a lease seen renewed since the previous scan and not being handed over
 * already. Leases of shards read to
 * their end are not counted.
 */
final class LeaseBalancer {

    /** The leases to take, and whether they are stolen from a live node. */
    record Decision(List<Lease> take, boolean steal, int target) {
        static Decision none(int target) {
            return new Decision(List.of(), false, target);
        }
    }

    private final String worker;
    private final Random random;

    LeaseBalancer(String worker, Random random) {
        this.worker = worker;
        this.random = random;
    }

    /**
     * @param leases the scan
     * @param expired the keys of leases that did not move for the failover time
     * @param held the keys of the leases this node holds now
     * @param moving the keys of leases seen renewed since the previous scan: the only ones stolen
     */
    Decision decide(List<Lease> leases, Set<String> expired, Set<String> held, Set<String> moving) {
        Map<String, List<Lease>> byLiveOwner = new HashMap<>();
        List<Lease> free = new ArrayList<>();
        int open = 0;
        for (Lease lease : leases) {
            if (lease.ended()) {
                continue;
            }
            open++;
            if (held.contains(lease.key())) {
                continue;
            }
            if (!lease.owned() || expired.contains(lease.key()) || worker.equals(lease.owner())) {
                free.add(lease);
            } else {
                byLiveOwner.computeIfAbsent(lease.owner(), owner -> new ArrayList<>()).add(lease);
            }
        }
        byLiveOwner.remove(worker);
        int nodes = byLiveOwner.size() + 1;
        int target = (open + nodes - 1) / nodes;
        int needed = target - held.size();
        if (needed <= 0) {
            return Decision.none(target);
        }
        if (!free.isEmpty()) {
            Collections.shuffle(free, random); // nodes starting together do not all race for the same leases
            return new Decision(List.copyOf(free.subList(0, Math.min(needed, free.size()))), false, target);
        }
        List<Lease> mostLoaded = byLiveOwner.values().stream()
                .max(Comparator.comparingInt(List::size))
                .orElse(List.of());
        if (mostLoaded.size() > target) {
            List<Lease> renewed = mostLoaded.stream()
                    .filter(lease -> moving.contains(lease.key()) && !lease.handingOff())
                    .toList();
            if (!renewed.isEmpty()) {
                return new Decision(List.of(renewed.get(random.nextInt(renewed.size()))), true, target);
            }
        }
        return Decision.none(target);
    }
}
