package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class LeaseBalancerTest {

    /** Every lease of the tests seen renewed, unless a test says otherwise. */
    static final Set<String> ALL = IntStream.range(0, 8).mapToObj(i -> "shardId-" + i).collect(Collectors.toSet());

    private static Lease lease(int shard, String owner) {
        return new Lease("shardId-" + shard, owner, 5, "TRIM_HORIZON", 0, 0, List.of(), List.of(), null, null);
    }

    private static Lease ended(int shard) {
        return new Lease("shardId-" + shard, null, 5, "SHARD_END", 0, 0, List.of(), List.of(), null, null);
    }

    @Test
    void aloneTakesEveryFreeLease() {
        List<Lease> leases = IntStream.range(0, 8).mapToObj(i -> lease(i, null)).toList();
        LeaseBalancer.Decision decision = new LeaseBalancer("a", new Random(1)).decide(leases, Set.of(), Set.of(), ALL);
        assertThat(decision.target()).isEqualTo(8);
        assertThat(decision.take()).hasSize(8);
        assertThat(decision.steal()).isFalse();
    }

    @Test
    void takesFreeAndExpiredLeasesUpToTheTargetBeforeStealing() {
        List<Lease> leases = new ArrayList<>();
        leases.add(lease(0, "b"));
        leases.add(lease(1, "b"));
        leases.add(lease(2, "b"));
        leases.add(lease(3, "b"));
        leases.add(lease(4, "dead")); // expired
        leases.add(lease(5, null));
        LeaseBalancer.Decision decision = new LeaseBalancer("a", new Random(1))
                .decide(leases, Set.of("shardId-4"), Set.of(), ALL);
        // live nodes: b and a (the dead node's lease does not count it as live): target ceil(6/2) = 3
        assertThat(decision.target()).isEqualTo(3);
        assertThat(decision.steal()).isFalse();
        assertThat(decision.take()).extracting(Lease::key).containsExactlyInAnyOrder("shardId-4", "shardId-5");
    }

    @Test
    void stealsOneLeaseOnlyFromANodeAboveTheTarget() {
        List<Lease> leases = new ArrayList<>();
        IntStream.range(0, 5).forEach(i -> leases.add(lease(i, "b")));
        IntStream.range(5, 8).forEach(i -> leases.add(lease(i, "c")));
        LeaseBalancer balancer = new LeaseBalancer("a", new Random(1));
        LeaseBalancer.Decision decision = balancer.decide(leases, Set.of(), Set.of(), ALL);
        assertThat(decision.target()).isEqualTo(3);
        assertThat(decision.steal()).isTrue();
        assertThat(decision.take()).hasSize(1).first().extracting(Lease::owner).isEqualTo("b");

        // b at the target (3), c at 3, a at 2: nobody is above the target, no steal
        List<Lease> balanced = new ArrayList<>();
        IntStream.range(0, 3).forEach(i -> balanced.add(lease(i, "b")));
        IntStream.range(3, 6).forEach(i -> balanced.add(lease(i, "c")));
        IntStream.range(6, 8).forEach(i -> balanced.add(lease(i, "a")));
        assertThat(balancer.decide(balanced, Set.of(), Set.of("shardId-6", "shardId-7"), ALL).take()).isEmpty();
    }

    @Test
    void aLeaseNotSeenRenewedIsNotStolen() {
        List<Lease> leases = new ArrayList<>();
        IntStream.range(0, 6).forEach(i -> leases.add(lease(i, "b")));
        LeaseBalancer balancer = new LeaseBalancer("a", new Random(1));
        // b's counters stopped (b may have lost the table): its leases are left to expire, not stolen
        assertThat(balancer.decide(leases, Set.of(), Set.of(), Set.of()).take()).isEmpty();
        assertThat(balancer.decide(leases, Set.of(), Set.of(), Set.of("shardId-3")).take())
                .extracting(Lease::key).containsExactly("shardId-3");
    }

    @Test
    void endedShardsAreNeitherTakenNorCounted() {
        List<Lease> leases = List.of(ended(0), ended(1), lease(2, null), lease(3, "b"));
        LeaseBalancer.Decision decision = new LeaseBalancer("a", new Random(1)).decide(leases, Set.of(), Set.of(), ALL);
        assertThat(decision.target()).isEqualTo(1);
        assertThat(decision.take()).extracting(Lease::key).containsExactly("shardId-2");
    }

    @Test
    void ownLeasesFromBeforeARestartAreFree() {
        List<Lease> leases = List.of(lease(0, "a"), lease(1, "b"));
        LeaseBalancer.Decision decision = new LeaseBalancer("a", new Random(1)).decide(leases, Set.of(), Set.of(), ALL);
        assertThat(decision.take()).extracting(Lease::key).containsExactly("shardId-0");
    }

    /** Rounds of three nodes joining one after the other, each taking what it decides: they end within one lease. */
    @Test
    void threeNodesConvergeWithinOneLease() {
        for (int seed = 0; seed < 50; seed++) {
            Random random = new Random(seed);
            Map<String, String> owners = new HashMap<>();
            IntStream.range(0, 8).forEach(i -> owners.put("shardId-" + i, null));
            List<String> nodes = List.of("a", "b", "c");
            for (int round = 0; round < 30; round++) {
                int joined = Math.min(nodes.size(), 1 + round / 3);
                for (String node : nodes.subList(0, joined)) {
                    List<Lease> scan = owners.entrySet().stream()
                            .map(e -> new Lease(e.getKey(), e.getValue(), 1, "TRIM_HORIZON", 0, 0, List.of(), List.of(),
                                    null, null))
                            .toList();
                    Set<String> held = owners.entrySet().stream().filter(e -> node.equals(e.getValue()))
                            .map(Map.Entry::getKey).collect(Collectors.toCollection(HashSet::new));
                    new LeaseBalancer(node, random).decide(scan, Set.of(), held, ALL).take()
                            .forEach(lease -> owners.put(lease.key(), node));
                }
            }
            Map<String, Long> counts = owners.values().stream()
                    .collect(Collectors.groupingBy(owner -> String.valueOf(owner), Collectors.counting()));
            assertThat(counts).as("seed %d", seed).containsOnlyKeys("a", "b", "c");
            assertThat(counts.values()).as("seed %d: %s", seed, counts).allMatch(count -> count == 2 || count == 3);
        }
    }
}
