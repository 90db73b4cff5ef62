package io.quarkiverse.messaging.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.quarkiverse.messaging.kinesis.it.Receipts.Receipt;
import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynaliteTables;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.FaultProxy;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Three nodes share a stream through a DynamoDB lease table (dynalite); the table becomes unreachable for one of them
 * (connections refused by its proxy) while records flow. The other two must take its shards, and no shard may be read
 * by two nodes at once for longer than the window multi-node.adoc states: a holder that cannot reach the table keeps
 * reading for two thirds of {@code failover-time} after its last write (the others take a lease only after
 * {@code failover-time}, so normally there is no overlap at all; two thirds of it is the documented worst case).
 */
@ExtendWith(KinesisMockExtension.class)
class FaultLeaseTableUnreachableIT {

    private static final Duration FAILOVER = Duration.ofSeconds(6);
    private static final Duration OVERLAP_BOUND = FAILOVER.multipliedBy(2).dividedBy(3);
    private static final int SHARDS = 6;
    private static final String TABLE = "fault-leases";
    /** A node that processed no record of a shard for this long is no longer reading it (records arrive ~15/s). */
    private static final Duration TENURE_GAP = Duration.ofSeconds(2);

    @Test
    void theOthersTakeTheShardsOfANodeThatLostTheTableWithoutReadingAShardTwiceAtOnce(KinesisMock kinesis)
            throws Exception {
        try (Dynalite dynalite = new Dynalite();
                FaultCase fault = new FaultCase("lease-table-unreachable", kinesis, SHARDS)) {
            dynalite.start();
            try (FaultProxy tableProxy = FaultProxy.start(dynalite.endpoint());
                    DynamoDbAsyncClient dynamoDb = DynaliteTables.client(dynalite)) {
                // started together: three JVM start-ups one after the other would take most of the case's time
                CompletableFuture<PackagedApp> startA = CompletableFuture
                        .supplyAsync(() -> fault.startApp("node-a", node("node-a", dynalite.endpoint().toString())));
                CompletableFuture<PackagedApp> startB = CompletableFuture
                        .supplyAsync(() -> fault.startApp("node-b", node("node-b", dynalite.endpoint().toString())));
                PackagedApp c = fault.startApp("node-c", node("node-c", tableProxy.endpoint().toString()));
                PackagedApp a = startA.get(120, TimeUnit.SECONDS);
                PackagedApp b = startB.get(120, TimeUnit.SECONDS);
                // balanced, and stable for half a failover time (no steal under way when the fault starts)
                boolean spread = FaultCase.poll(Duration.ofSeconds(90), () -> {
                    Map<String, String> owners = owners(dynamoDb);
                    if (!balanced(owners)) {
                        return false;
                    }
                    PackagedApp.sleep(FAILOVER.toMillis() / 2);
                    return owners(dynamoDb).equals(owners);
                });
                assertThat(spread).as("shards spread 2/2/2: %s", owners(dynamoDb)).isTrue();

                List<String> written;
                Duration failover;
                Set<String> ofC;
                long faultStartMicros;
                try (StreamFeeder feeder = new StreamFeeder(kinesis.client(), FaultCase.STREAM, 64, 100, 100)) {
                    PackagedApp.sleep(4000);
                    ofC = owners(dynamoDb).entrySet().stream().filter(e -> "node-c".equals(e.getValue()))
                            .map(Map.Entry::getKey).collect(Collectors.toSet());
                    faultStartMicros = System.currentTimeMillis() * 1000;
                    long faultStart = System.nanoTime();
                    tableProxy.refuse();
                    boolean taken = FaultCase.poll(FAILOVER.multipliedBy(5), () -> {
                        Map<String, String> owners = owners(dynamoDb);
                        return ofC.stream().allMatch(shard -> Set.of("node-a", "node-b").contains(owners.get(shard)));
                    });
                    failover = taken ? Duration.ofNanos(System.nanoTime() - faultStart) : null;
                    PackagedApp.sleep(4000);
                    written = feeder.stop();
                }
                fault.awaitReceived(written, Duration.ofSeconds(60));
                Integer exitA = a.terminate(Duration.ofSeconds(60));
                Integer exitB = b.terminate(Duration.ofSeconds(60));
                long stopC = System.nanoTime();
                Integer exitC = c.terminate(Duration.ofSeconds(60));
                Duration cStop = Duration.ofNanos(System.nanoTime() - stopC);

                List<Receipt> receipts = fault.receipts();
                Map<String, Duration> overlaps = overlaps(receipts);
                Duration maxOverlap = overlaps.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
                // per shard of node-c: from its last record to the first record of the node that took the shard over
                Duration handOverGap = ofC.stream().map(shard -> handOverGap(receipts, shard, "node-c"))
                        .min(Duration::compareTo).orElse(null);
                double cReadAfterFault = receipts.stream().filter(r -> r.node().equals("node-c"))
                        .mapToLong(Receipt::processedMicros).max().orElse(faultStartMicros)
                        - faultStartMicros;
                String extra = String.format("shards-of-c=%d max-overlap=%.1fs (bound %.1fs) min-hand-over-gap=%s "
                        + "c-read-after-fault=%.1fs exits=%s/%s/%s c-stop=%.1fs", ofC.size(),
                        maxOverlap.toMillis() / 1000.0, OVERLAP_BOUND.toMillis() / 1000.0,
                        handOverGap == null ? "?" : String.format("%.1fs", handOverGap.toMillis() / 1000.0),
                        cReadAfterFault / 1_000_000, exitA, exitB, exitC, cStop.toMillis() / 1000.0);
                FaultFigures figures = FaultFigures.of(SendFates.allAcked(written), kinesis.readAll(FaultCase.STREAM),
                        receipts, failover, extra);
                System.out.println(figures.line(fault.name));

                assertThat(ofC).as("shards node-c held at the fault").hasSize(2);
                assertThat(receipts).as("records node-c processed before the fault (what the overlap is measured on)")
                        .anyMatch(receipt -> receipt.node().equals("node-c") && ofC.contains(receipt.shardId()));
                assertThat(failover).as("node-c's shards held by the others after the fault; owners %s",
                        owners(dynamoDb)).isNotNull();
                assertThat(figures.inStreamNotReceived()).as("records never processed").isEmpty();
                assertThat(overlaps).as("time two nodes read one shard at once (bound %s)", OVERLAP_BOUND)
                        .allSatisfy((pair, overlap) -> assertThat(overlap).isLessThanOrEqualTo(OVERLAP_BOUND));
                assertThat(exitA).as("node-a exit").isNotNull();
                assertThat(exitB).as("node-b exit").isNotNull();
            }
        }
    }

    private static Map<String, String> node(String worker, String dynamoDbEndpoint) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("mp.messaging.incoming.orders.checkpoint-store", "dynamodb");
        properties.put("mp.messaging.incoming.orders.application-name", TABLE);
        properties.put("mp.messaging.incoming.orders.worker-id", worker);
        properties.put("mp.messaging.incoming.orders.failover-time", FAILOVER.toSeconds() + "s");
        properties.put("mp.messaging.incoming.orders.checkpoint-interval", "1s");
        properties.put("mp.messaging.incoming.orders.dynamodb-endpoint-override", dynamoDbEndpoint);
        return properties;
    }

    /** From the holder's last record of the shard to the next record of it processed by another node. */
    private static Duration handOverGap(List<Receipt> receipts, String shard, String holder) {
        long last = receipts.stream().filter(r -> r.shardId().equals(shard) && r.node().equals(holder))
                .mapToLong(Receipt::processedMicros).max().orElse(Long.MIN_VALUE);
        return receipts.stream().filter(r -> r.shardId().equals(shard) && !r.node().equals(holder))
                .mapToLong(Receipt::processedMicros).filter(at -> at > last).min()
                .stream().mapToObj(at -> Duration.ofNanos((at - last) * 1000)).findFirst().orElse(null);
    }

    private static boolean balanced(Map<String, String> owners) {
        return owners.size() == SHARDS && owners.values().stream()
                .collect(Collectors.groupingBy(owner -> String.valueOf(owner), Collectors.counting()))
                .equals(Map.of("node-a", 2L, "node-b", 2L, "node-c", 2L));
    }

    /** Shard to owner (null when nobody holds it) in the lease table; empty until the table exists. */
    private static Map<String, String> owners(DynamoDbAsyncClient dynamoDb) {
        Map<String, String> owners = new TreeMap<>();
        try {
            DynaliteTables.items(dynamoDb, TABLE).forEach(item -> owners.put(item.get("leaseKey").s(),
                    item.containsKey("leaseOwner") ? item.get("leaseOwner").s() : null));
        } catch (RuntimeException tableNotThereYet) {
            return Map.of();
        }
        return owners;
    }

    /**
     * For each shard and pair of nodes: how long both read it at once. A node's reading of a shard is cut into tenures
     * where it processed records of the shard with no pause longer than {@link #TENURE_GAP} (records keep arriving on
     * every shard while the feeder writes); overlaps are the intersections of tenures of different nodes. A shard read
     * by B, stolen by C for balance, then taken back by B after C's fault gives B two tenures, not one long span.
     */
    static Map<String, Duration> overlaps(List<Receipt> receipts) {
        Map<String, Map<String, List<long[]>>> tenures = new TreeMap<>();
        receipts.stream().sorted(Comparator.comparingLong(Receipt::processedMicros)).forEach(receipt -> {
            List<long[]> ofNode = tenures.computeIfAbsent(receipt.shardId(), shard -> new TreeMap<>())
                    .computeIfAbsent(receipt.node(), node -> new ArrayList<>());
            long at = receipt.processedMicros();
            long[] last = ofNode.isEmpty() ? null : ofNode.get(ofNode.size() - 1);
            if (last != null && at - last[1] <= TENURE_GAP.toNanos() / 1000) {
                last[1] = at;
            } else {
                ofNode.add(new long[] { at, at });
            }
        });
        Map<String, Duration> overlaps = new TreeMap<>();
        tenures.forEach((shard, byNode) -> {
            List<String> nodes = new ArrayList<>(byNode.keySet());
            for (int i = 0; i < nodes.size(); i++) {
                for (int j = i + 1; j < nodes.size(); j++) {
                    long overlap = 0;
                    for (long[] x : byNode.get(nodes.get(i))) {
                        for (long[] y : byNode.get(nodes.get(j))) {
                            overlap += Math.max(0, Math.min(x[1], y[1]) - Math.max(x[0], y[0]));
                        }
                    }
                    overlaps.put(shard + " " + nodes.get(i) + "+" + nodes.get(j), Duration.ofNanos(overlap * 1000));
                }
            }
        });
        return overlaps;
    }
}
