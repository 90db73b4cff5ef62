package io.quarkiverse.messaging.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.quarkiverse.messaging.kinesis.it.Receipts.Receipt;
import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynaliteTables;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Several instances of the packaged orders application (separate JVMs) read one stream with
 * {@code checkpoint-store=dynamodb}, against kinesis-mock and dynalite: shards spread across nodes, a node killed with
 * SIGKILL or stopped with SIGTERM hands its shards over, a restarted application continues after the checkpoints, and
 * a split under load keeps the records of a key in order across nodes. What each node processed comes from its
 * receipt log ({@code orders.received-log}), written before each ack and kept across a kill -9.
 */
@ExtendWith(KinesisMockExtension.class)
class MultiNodeLeasesIT {

    static final Duration FAILOVER = Duration.ofSeconds(6);
    /** Nodes look for leases to take every half of the failover time. */
    static final Duration TAKE_INTERVAL = FAILOVER.dividedBy(2);

    /**
     * {@code lease-graceful-handoff} of the nodes: true unless the build says otherwise ({@code -Dit.handoff=false}), to
     * compare the duplicates of a balancing steal with and without the hand-off.
     */
    static final boolean HANDOFF = Boolean.parseBoolean(System.getProperty("it.handoff", "true"));

    static Dynalite dynalite;
    static DynamoDbAsyncClient dynamoDb;

    @BeforeAll
    static void startDynalite(KinesisMock kinesis) {
        kinesis.createStream("shipments", 1); // the demo's other stream, so that its channels start cleanly
        dynalite = new Dynalite();
        dynalite.start();
        dynamoDb = DynaliteTables.client(dynalite);
    }

    @AfterAll
    static void stopDynalite() {
        if (dynamoDb != null) {
            dynamoDb.close();
        }
        if (dynalite != null) {
            dynalite.stop();
        }
    }

    private final Map<String, Path> logs = new LinkedHashMap<>();

    private PackagedApp node(KinesisMock kinesis, String stream, String table, String worker) throws IOException {
        Path log = PackagedApp.moduleDir().resolve("target").resolve(table + "-" + worker + "-received.log");
        Files.deleteIfExists(log);
        logs.put(worker, log);
        Map<String, String> properties = leases(table).nodeProperties(kinesis, dynalite, stream, worker, FAILOVER,
                HANDOFF, log);
        return PackagedApp.start(table + "-" + worker, properties);
    }

    private static LeaseTable leases(String table) {
        return new LeaseTable(dynamoDb, table);
    }

    private List<Receipt> allReceipts() {
        List<Receipt> all = new ArrayList<>();
        logs.forEach((node, log) -> all.addAll(Receipts.read(node, log).receipts()));
        return all;
    }

    private Set<String> processedPayloads() {
        return allReceipts().stream().map(Receipt::payload).collect(Collectors.toSet());
    }

    /** Waits until every shard in {@code shards} is held by one of {@code nodes}; returns how long it took. */
    private static Duration awaitHeldBy(String table, Set<String> shards, Set<String> nodes, Duration atMost) {
        long start = System.nanoTime();
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, String> owners = leases(table).owners();
            return shards.stream().allMatch(shard -> owners.get(shard) != null && nodes.contains(owners.get(shard)));
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static String newName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void threeNodesShareTheShardsHandThemOverOnKillAndStopAndARestartContinues(KinesisMock kinesis)
            throws Exception {
        String stream = newName("multi");
        String table = newName("orders-leases");
        kinesis.createStream(stream, 8);

        try (PackagedApp a = node(kinesis, stream, table, "node-a");
                PackagedApp b = node(kinesis, stream, table, "node-b");
                PackagedApp c = node(kinesis, stream, table, "node-c")) {
            long started = System.nanoTime();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Map<String, String> owners = leases(table).owners();
                assertThat(owners).hasSize(8).doesNotContainValue(null);
                assertThat(LeaseTable.countsByOwner(owners)).containsOnlyKeys("node-a", "node-b", "node-c")
                        .allSatisfy((node, count) -> assertThat(count).isBetween(2L, 3L));
            });
            System.out.printf("MultiNodeLeasesIT: 8 shards spread %s, %d ms after the third node answered%n",
                    leases(table).countsByOwner(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            // balanced: no more steals; the node the last lease was stolen from has had a renewal to notice
            Map<String, String> balanced = leases(table).owners();
            PackagedApp.sleep(FAILOVER.toMillis() / 2);
            assertThat(leases(table).owners()).as("the spread stays as it is once balanced").isEqualTo(balanced);

            try (StreamFeeder feeder = new StreamFeeder(kinesis.client(), stream, 64, 20, 200)) {
                PackagedApp.sleep(4000);

                // kill -9 of node-b while records flow
                Set<String> ofB = leases(table).owners().entrySet().stream().filter(e -> "node-b".equals(e.getValue()))
                        .map(Map.Entry::getKey).collect(Collectors.toSet());
                b.kill();
                Map<String, String> checkpointsAtKill = leases(table).checkpoints(); // node-b writes nothing more
                Duration failover = awaitHeldBy(table, ofB, Set.of("node-a", "node-c"), FAILOVER.multipliedBy(5));
                System.out.printf("MultiNodeLeasesIT: kill -9 of node-b: its %d shards held by the others %d ms "
                        + "later (failover time %d ms, take interval %d ms)%n", ofB.size(), failover.toMillis(),
                        FAILOVER.toMillis(), TAKE_INTERVAL.toMillis());
                assertThat(failover).as("failover after kill -9").isLessThan(FAILOVER.plus(TAKE_INTERVAL)
                        .plusSeconds(5));
                PackagedApp.sleep(3000);

                // graceful stop of node-c: it releases its leases, node-a takes them without waiting for expiry
                Set<String> ofC = leases(table).owners().entrySet().stream().filter(e -> "node-c".equals(e.getValue()))
                        .map(Map.Entry::getKey).collect(Collectors.toSet());
                assertThat(c.terminate(Duration.ofSeconds(60))).as("node-c exit code").isNotNull();
                Duration handOver = awaitHeldBy(table, ofC, Set.of("node-a"), FAILOVER.multipliedBy(3));
                System.out.printf("MultiNodeLeasesIT: SIGTERM of node-c: its %d shards held by node-a %d ms after "
                        + "it exited%n", ofC.size(), handOver.toMillis());
                assertThat(handOver).as("hand-over after a graceful stop does not wait for the failover time")
                        .isLessThan(FAILOVER);
                PackagedApp.sleep(2000);

                List<String> written = feeder.stop();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> processedPayloads().containsAll(written));
                assertThat(a.terminate(Duration.ofSeconds(60))).as("node-a exit code").isNotNull();

                // nothing lost; what was processed twice was processed first by node-b after its last checkpoint
                // (its un-checkpointed window)
                List<Receipt> receipts = allReceipts();
                assertThat(receipts.stream().map(Receipt::payload).collect(Collectors.toSet()))
                        .containsAll(written);
                Map<String, List<Receipt>> byPayload = receipts.stream()
                        .collect(Collectors.groupingBy(Receipt::payload));
                int fromB = 0;
                int fromC = 0;
                int fromSteal = 0;
                for (List<Receipt> same : byPayload.values()) {
                    if (same.size() < 2) {
                        continue;
                    }
                    Receipt first = same.stream().min(Comparator.comparingLong(Receipt::processedMicros)).orElseThrow();
                    if (first.node().equals("node-a") && stolenFrom(first, same)) {
                        // after the kill, node-c stole one of node-a's leases to balance 5/3: node-a read on until it
                        // noticed (its checkpoints refused meanwhile), node-c resumed at the last checkpoint. The
                        // documented limit of a balancing steal (multi-node.adoc), which a graceful hand-off removes
                        fromSteal++;
                        continue;
                    }
                    assertThat(first.node()).as("a record processed twice, first by %s: %s", first.node(), same)
                            .isIn("node-b", "node-c");
                    if (first.node().equals("node-b")) {
                        fromB++;
                        String checkpoint = checkpointsAtKill.get(first.shardId());
                        if (checkpoint != null && checkpoint.matches("\\d+")) {
                            assertThat(first.sequenceNumber()).as("processed again though checkpointed: %s", same)
                                    .isGreaterThan(new BigInteger(checkpoint));
                        }
                    } else {
                        fromC++;
                    }
                }
                System.out.printf("MultiNodeLeasesIT: %d records written, %d processings; processed twice: %d "
                        + "after the kill -9 of node-b (its un-checkpointed window, checkpoint interval 1 s), %d after "
                        + "the SIGTERM of node-c, %d after a balancing steal%n", written.size(), receipts.size(), fromB,
                        fromC, fromSteal);
                assertThat(fromC).as("a stopping node completes what it handed on before its last checkpoints")
                        .isZero();
            }
        }

        // every node stopped; records written meanwhile are all a new node reads: nothing checkpointed again
        Set<String> processedBefore = processedPayloads();
        List<String> late = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            late.add("late:" + i);
        }
        for (int from = 0; from < late.size(); from += 50) {
            List<String> slice = late.subList(from, from + 50);
            kinesis.client().putRecords(r -> r.streamName(stream).records(slice.stream()
                    .map(text -> software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry.builder()
                            .partitionKey(text).data(software.amazon.awssdk.core.SdkBytes.fromUtf8String(text))
                            .build())
                    .toList())).get(30, TimeUnit.SECONDS);
        }
        try (PackagedApp d = node(kinesis, stream, table, "node-d")) {
            Path dLog = logs.get("node-d");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> Receipts
                    .read("node-d", dLog).receipts().stream().map(Receipt::payload).collect(Collectors.toSet())
                    .containsAll(late));
            PackagedApp.sleep(2000);
            List<String> readByD = Receipts.read("node-d", dLog).receipts().stream().map(Receipt::payload).toList();
            System.out.printf("MultiNodeLeasesIT: restart after %d processed records: the new node read %d records%n",
                    processedBefore.size(), readByD.size());
            assertThat(readByD).as("after a restart, only the records written since").containsExactlyInAnyOrderElementsOf(late);
            assertThat(d.terminate(Duration.ofSeconds(60))).isNotNull();
        }
    }

    @Test
    void aThirdNodeJoiningTwoNodesUnderLoadTakesItsShareWithoutProcessingARecordTwice(KinesisMock kinesis)
            throws Exception {
        String stream = newName("join");
        String table = newName("join-leases");
        kinesis.createStream(stream, 6);
        try (PackagedApp a = node(kinesis, stream, table, "node-a");
                PackagedApp b = node(kinesis, stream, table, "node-b")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> leases(table).countsByOwner().equals(Map.of("node-a", 3L, "node-b", 3L)));
            List<String> written;
            long joined;
            try (StreamFeeder feeder = new StreamFeeder(kinesis.client(), stream, 64, 20, 200)) {
                PackagedApp.sleep(4000);
                // node-c joins under load: it takes two leases for balance, from running nodes
                try (PackagedApp c = node(kinesis, stream, table, "node-c")) {
                    joined = System.nanoTime();
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                            .until(() -> leases(table).countsByOwner().equals(
                                    Map.of("node-a", 2L, "node-b", 2L, "node-c", 2L))
                                    && leases(table).noHandOffUnderWay());
                    System.out.printf("MultiNodeLeasesIT: node-c joined under load; 6 shards spread 2/2/2 %d ms "
                            + "later (lease-graceful-handoff=%s)%n",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joined), HANDOFF);
                    PackagedApp.sleep(4000);
                    written = feeder.stop();
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> processedPayloads().containsAll(written));
                    PackagedApp.sleep(2000);
                    // counted before any node stops: only what the balancing did
                    List<Receipt> receipts = allReceipts();
                    Map<String, List<Receipt>> byPayload = receipts.stream()
                            .collect(Collectors.groupingBy(Receipt::payload));
                    List<List<Receipt>> twice = byPayload.values().stream().filter(same -> same.size() > 1).toList();
                    Map<String, String> readers = new TreeMap<>();
                    receipts.forEach(receipt -> readers.merge(receipt.shardId(), receipt.node(),
                            (x, y) -> x.contains(y) ? x : x + "+" + y));
                    System.out.printf("MultiNodeLeasesIT: third node joining under load, lease-graceful-handoff=%s: "
                            + "%d records written, %d processings, %d records processed twice; shards read by %s%n",
                            HANDOFF, written.size(), receipts.size(), twice.size(), readers);
                    assertThat(readers.values()).as("node-c reads shards handed over by the others")
                            .anyMatch(nodes -> nodes.contains("node-c") && nodes.contains("+"));
                    if (HANDOFF) {
                        assertThat(twice).as("records processed twice around a graceful hand-off").isEmpty();
                    }
                    assertThat(c.terminate(Duration.ofSeconds(60))).isNotNull();
                }
            }
            assertThat(a.terminate(Duration.ofSeconds(60))).isNotNull();
            assertThat(b.terminate(Duration.ofSeconds(60))).isNotNull();
        }
    }

    @Test
    void aSplitUnderLoadKeepsTheRecordsOfAKeyInOrderAcrossNodes(KinesisMock kinesis) throws Exception {
        String stream = newName("split");
        String table = newName("split-leases");
        kinesis.createStream(stream, 3);
        try (PackagedApp a = node(kinesis, stream, table, "node-a");
                PackagedApp b = node(kinesis, stream, table, "node-b")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> leases(table).countsByOwner().values().stream().sorted().toList()
                            .equals(List.of(1L, 2L)));
            // split a shard of the node holding two: once it ends, each node is one lease under the target (2 of
            // 4 open leases), so each takes one child and the parent's keys continue on both nodes
            Map<String, String> owners = leases(table).owners();
            Map<String, Long> counts = LeaseTable.countsByOwner(owners);
            String busy = counts.entrySet().stream().filter(e -> e.getValue() == 2).findFirst().orElseThrow().getKey();
            String toSplit = owners.entrySet().stream().filter(e -> busy.equals(e.getValue())).findFirst()
                    .orElseThrow().getKey();
            List<String> written;
            try (StreamFeeder feeder = new StreamFeeder(kinesis.client(), stream, 16, 10, 100)) {
                PackagedApp.sleep(3000);
                Shard parent = kinesis.client().listShards(r -> r.streamName(stream)).get(30, TimeUnit.SECONDS)
                        .shards().stream().filter(shard -> shard.shardId().equals(toSplit)).findFirst().orElseThrow();
                BigInteger low = new BigInteger(parent.hashKeyRange().startingHashKey());
                BigInteger high = new BigInteger(parent.hashKeyRange().endingHashKey());
                kinesis.client().splitShard(r -> r.streamName(stream).shardToSplit(parent.shardId())
                        .newStartingHashKey(low.add(high).shiftRight(1).toString())).get(30, TimeUnit.SECONDS);
                PackagedApp.sleep(5000);
                written = feeder.stop();
            }
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> processedPayloads().containsAll(written));
            assertThat(a.terminate(Duration.ofSeconds(60))).isNotNull();
            assertThat(b.terminate(Duration.ofSeconds(60))).isNotNull();
        }

        // the first processing of each record, per key, in processing order: n must count up
        Map<String, Receipt> firstProcessing = new HashMap<>();
        for (Receipt receipt : allReceipts()) {
            firstProcessing.merge(receipt.payload(), receipt,
                    (x, y) -> x.processedMicros() <= y.processedMicros() ? x : y);
        }
        Map<String, List<Receipt>> byKey = firstProcessing.values().stream()
                .collect(Collectors.groupingBy(Receipt::partitionKey));
        Set<String> crossNode = new HashSet<>();
        for (Map.Entry<String, List<Receipt>> key : byKey.entrySet()) {
            List<Receipt> inOrder = key.getValue().stream().sorted(Comparator.comparingLong(Receipt::processedMicros))
                    .toList();
            List<Integer> counters = inOrder.stream()
                    .map(receipt -> Integer.parseInt(receipt.payload().substring(receipt.payload().indexOf(':') + 1)))
                    .toList();
            assertThat(counters).as("records of key %s in processing order, across nodes", key.getKey()).isSorted();
            if (inOrder.stream().map(Receipt::node).distinct().count() > 1) {
                crossNode.add(key.getKey());
            }
        }
        Map<String, String> readers = new TreeMap<>();
        allReceipts().forEach(receipt -> readers.merge(receipt.shardId(), receipt.node(),
                (x, y) -> x.contains(y) ? x : x + "+" + y));
        System.out.printf("MultiNodeLeasesIT: split under load: %d records of %d keys in order; shards read by %s; "
                + "%d keys were read by both nodes%n", firstProcessing.size(), byKey.size(), readers,
                crossNode.size());
        assertThat(readers).as("the three shards and both children were read").hasSize(5);
        assertThat(crossNode).as("keys whose records were read by both nodes (parent on one, child on the other)")
                .isNotEmpty();
    }

    /**
     * Whether a record first processed by {@code first.node()} was processed again only by node-c, on the same shard,
     * within a balancing steal's window: the hand-over delay (1.5 renewal periods of failover/3) plus one checkpoint
     * interval, plus a second for scheduling.
     */
    private static boolean stolenFrom(Receipt first, List<Receipt> same) {
        long windowMicros = FAILOVER.dividedBy(3).multipliedBy(3).dividedBy(2).plusSeconds(2).toNanos() / 1000;
        return same.stream().filter(receipt -> receipt != first).allMatch(receipt -> receipt.node().equals("node-c")
                && receipt.shardId().equals(first.shardId())
                && receipt.processedMicros() - first.processedMicros() <= windowMicros);
    }
}
