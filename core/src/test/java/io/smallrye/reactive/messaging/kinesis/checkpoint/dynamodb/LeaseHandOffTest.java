package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.LogCapture;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;

/**
 * Graceful hand-off of leases taken for balance, between workers sharing a lease table in dynalite: the taker marks
 * the lease, the holder stops, writes its last checkpoint and clears the mark, and only then the taker reads, from that
 * checkpoint; a holder gone after the mark is taken over after the failover time; a mark written by a KCL 3 worker is
 * understood.
 */
class LeaseHandOffTest {

    static final ShardPosition SAVED = ShardPosition.of("49590338271490256608559692538361571095921575989136588891");
    static final ShardPosition PROCESSED = ShardPosition.of("49590338271490256608559692538361571095921575989136588899", 4);
    static final DynamoDBLeaseSerializer KCL = new DynamoDBLeaseSerializer();
    static Dynalite dynalite;
    static Vertx vertx;

    private LeaseWorker a;
    private LeaseWorker b;

    @BeforeAll
    static void start() {
        dynalite = new Dynalite();
        dynalite.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        dynalite.stop();
    }

    @AfterEach
    void closeWorkers() {
        for (LeaseWorker worker : new LeaseWorker[] { a, b }) {
            if (worker != null) {
                worker.outage.set(false);
                worker.close();
            }
        }
    }

    /** a reads every shard, saved a checkpoint of each and processed further since. */
    private void aHoldsEveryShard(String table) {
        a = new LeaseWorker(dynalite, vertx, "a", table, "3s");
        a.claimAll();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.reading.size() == 6);
        for (String shard : LeaseWorker.SHARDS) {
            a.coordinator.save(shard, SAVED).await().indefinitely();
            a.processed.put(shard, PROCESSED);
        }
    }

    private static List<Map<String, AttributeValue>> marked(LeaseWorker worker, String table) {
        return DynaliteTables.items(worker.client, table).stream()
                .filter(item -> item.containsKey("checkpointOwner")).toList();
    }

    @Test
    void aLeaseTakenForBalanceIsReadFromTheHoldersLastCheckpointOnceItReleasedIt() {
        String table = DynaliteTables.newTableName();
        aHoldsEveryShard(table);

        // b joins: it marks three leases of a, one per scan, for balance
        b = new LeaseWorker(dynalite, vertx, "b", table, "3s");
        b.claimAll();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> !marked(b, table).isEmpty());
        Map<String, AttributeValue> mark = marked(b, table).get(0);
        String first = mark.get("leaseKey").s();
        software.amazon.kinesis.leases.Lease kcl = KCL.fromDynamoRecord(mark);
        assertThat(kcl.leaseOwner()).isEqualTo("b");
        assertThat(kcl.checkpointOwner()).isEqualTo("a");
        assertThat(kcl.shutdownRequested()).as("a KCL 3 worker sees the hand-off").isTrue();
        assertThat(b.reading).as("b does not read while the mark is there").doesNotContainKey(first);

        await().atMost(Duration.ofSeconds(40)).until(() -> a.reading.size() == 3 && b.reading.size() == 3);
        Set<String> handedOver = Set.copyOf(b.reading.keySet());
        assertThat(handedOver).contains(first);
        for (String shard : handedOver) {
            // the exact sequence: mark -> a stops -> a releases with its last checkpoint -> b reads from it
            assertThat(a.events).containsSubsequence("hand-off " + shard, "released " + shard);
            assertThat(a.lostAt.get(shard)).as("%s: a stopped before it released", shard)
                    .isLessThan(a.releasedAt.get(shard));
            assertThat(a.releasedAt.get(shard)).as("%s: b reads after a's release", shard)
                    .isLessThan(b.reading.get(shard));
            assertThat(b.claims.get(shard).checkpoint()).as("%s: from a's last checkpoint", shard).contains(PROCESSED);
        }
        assertThat(a.events.stream().filter(event -> event.startsWith("hand-off")).map(event -> event.substring(9))
                .collect(Collectors.toSet())).isEqualTo(handedOver);
        assertThat(marked(b, table)).as("no mark left").isEmpty();
        System.out.printf("LeaseHandOffTest: 3 leases handed over for balance; b started each %s ms after a released%n",
                handedOver.stream().map(shard -> (b.reading.get(shard) - a.releasedAt.get(shard)) / 1_000_000)
                        .toList());
    }

    @Test
    void aHolderGoneAfterTheMarkIsTakenOverFromItsSavedCheckpointAfterTheFailoverTime() {
        String table = DynaliteTables.newTableName();
        aHoldsEveryShard(table);
        a.ignoreHandOffs.set(true);

        try (LogCapture logs = LogCapture.start()) {
            b = new LeaseWorker(dynalite, vertx, "b", table, "3s");
            b.claimAll();
            // a is asked for the hand-off and is gone at once: it never releases, it cannot reach the table
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                    .until(() -> a.events.stream().anyMatch(event -> event.startsWith("hand-off")));
            a.outage.set(true);
            long gone = System.nanoTime();
            String shard = a.events.stream().filter(event -> event.startsWith("hand-off")).findFirst().orElseThrow()
                    .substring(9);

            await().atMost(Duration.ofSeconds(20)).until(() -> b.reading.containsKey(shard));
            long afterMs = (b.reading.get(shard) - gone) / 1_000_000;
            System.out.printf("LeaseHandOffTest: holder gone after the mark; b read the shard %d ms later "
                    + "(failover time 3000 ms)%n", afterMs);
            assertThat(afterMs).as("b waited for the counter to stand still for the failover time (less the renewal "
                    + "period a may have renewed before it went)").isGreaterThanOrEqualTo(1900);
            assertThat(a.lostAt.get(shard)).as("a gave the lease up before b read").isLessThan(b.reading.get(shard));
            assertThat(b.claims.get(shard).checkpoint()).as("from a's saved checkpoint").contains(SAVED);
            assertThat(logs.containing("SRKIN1864")).singleElement().asString().contains("'a'").contains(shard);
        }
    }

    @Test
    void aMarkWrittenByAKcl3WorkerIsHandedOverWithTheLastCheckpoint() {
        String table = DynaliteTables.newTableName();
        aHoldsEveryShard(table);
        String shard = LeaseWorker.SHARDS.get(2);

        // the update KCL 3's DynamoDBLeaseRefresher.initiateGracefulLeaseHandoff sends
        a.client.updateItem(b -> b.tableName(table).key(Map.of("leaseKey", AttributeValue.fromS(shard)))
                .attributeUpdates(Map.of(
                        "leaseOwner", AttributeValueUpdate.builder().value(AttributeValue.fromS("kcl-worker"))
                                .action(AttributeAction.PUT).build(),
                        "checkpointOwner", AttributeValueUpdate.builder().value(AttributeValue.fromS("a"))
                                .action(AttributeAction.PUT).build()))
                .expected(Map.of(
                        "leaseOwner", ExpectedAttributeValue.builder().value(AttributeValue.fromS("a")).build(),
                        "checkpointOwner", ExpectedAttributeValue.builder().exists(false).build(),
                        "leaseKey", ExpectedAttributeValue.builder().value(AttributeValue.fromS(shard)).build())))
                .join();

        await().atMost(Duration.ofSeconds(5)).until(() -> a.releasedAt.containsKey(shard));
        assertThat(a.reading).doesNotContainKey(shard);
        software.amazon.kinesis.leases.Lease kcl = KCL.fromDynamoRecord(DynaliteTables.items(a.client, table).stream()
                .filter(item -> item.get("leaseKey").s().equals(shard)).findFirst().orElseThrow());
        assertThat(kcl.leaseOwner()).isEqualTo("kcl-worker");
        assertThat(kcl.checkpointOwner()).as("the mark is cleared: the KCL worker may start").isNull();
        assertThat(kcl.checkpoint().sequenceNumber()).isEqualTo(PROCESSED.sequenceNumberAsString());
        assertThat(kcl.checkpoint().subSequenceNumber()).isEqualTo(4L);
        assertThat(a.reading).as("a's other shards are read on").hasSize(5);
    }
}
