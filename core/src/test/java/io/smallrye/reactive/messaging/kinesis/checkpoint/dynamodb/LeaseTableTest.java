package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.kinesis.common.HashKeyRangeForLease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * The lease table against dynalite: conditional writes, and the item format checked with the KCL's own serializer
 * (KCL 3.1.1) in both directions.
 */
class LeaseTableTest {

    static Dynalite dynalite;
    static DynamoDbAsyncClient client;
    static final DynamoDBLeaseSerializer KCL = new DynamoDBLeaseSerializer();

    @BeforeAll
    static void start() {
        dynalite = new Dynalite();
        dynalite.start();
        client = DynaliteTables.client(dynalite);
    }

    @AfterAll
    static void stop() {
        client.close();
        dynalite.stop();
    }

    private static LeaseTable newTable() {
        LeaseTable table = new LeaseTable(client, DynaliteTables.settings(DynaliteTables.newTableName(), "a", "10s"));
        // the create answers CREATING; asking again finds the table ACTIVE
        assertThat(table.describeOrCreate().await().indefinitely()).isIn("CREATING", "ACTIVE");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> table.describeOrCreate().await().indefinitely().equals("ACTIVE"));
        return table;
    }

    @Test
    void createsAPayPerRequestTableKeyedByLeaseKey() {
        LeaseTable table = newTable();
        var description = client.describeTable(b -> b.tableName(table.name())).join().table();
        assertThat(description.keySchema()).singleElement()
                .satisfies(key -> assertThat(key.attributeName()).isEqualTo("leaseKey"));
        assertThat(description.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    }

    @Test
    void everyWriteIsConditionalOnTheCounterAndTheOwner() {
        LeaseTable table = newTable();
        Lease fresh = Lease.unowned("shardId-000000000001", Lease.TRIM_HORIZON, List.of("shardId-000000000000"),
                "0", "170141183460469231731687303715884105727");
        assertThat(table.create(fresh).await().indefinitely()).isTrue();
        assertThat(table.create(fresh).await().indefinitely()).as("second create").isFalse();

        assertThat(table.take(fresh, "a").await().indefinitely()).isTrue();
        assertThat(table.take(fresh, "b").await().indefinitely()).as("take with a stale counter").isFalse();
        assertThat(table.renew(fresh.key(), 1, "b").await().indefinitely()).as("renew by a non-owner").isEmpty();
        assertThat(table.renew(fresh.key(), 1, "a").await().indefinitely()).isPresent();
        assertThat(table.renew(fresh.key(), 1, "a").await().indefinitely()).as("stale renew").isEmpty();
        ShardPosition position = ShardPosition.of("49590338271490256608559692538361571095921575989136588898", 3);
        assertThat(table.checkpoint(fresh.key(), 2, "b", position).await().indefinitely()).isFalse();
        assertThat(table.checkpoint(fresh.key(), 2, "a", position).await().indefinitely()).isTrue();

        Lease stored = table.get(fresh.key()).await().indefinitely().orElseThrow();
        assertThat(stored.owner()).isEqualTo("a");
        assertThat(stored.counter()).isEqualTo(3);
        assertThat(stored.claim().checkpoint()).contains(position);
        assertThat(stored.ownerSwitches()).isZero();
        assertThat(stored.parents()).containsExactly("shardId-000000000000");

        // the KCL reads what we wrote
        software.amazon.kinesis.leases.Lease kcl = KCL.fromDynamoRecord(item(table, fresh.key()));
        assertThat(kcl.leaseKey()).isEqualTo("shardId-000000000001");
        assertThat(kcl.leaseOwner()).isEqualTo("a");
        assertThat(kcl.leaseCounter()).isEqualTo(3L);
        assertThat(kcl.checkpoint()).isEqualTo(new ExtendedSequenceNumber(position.sequenceNumberAsString(), 3L));
        assertThat(kcl.parentShardIds()).containsExactly("shardId-000000000000");
        assertThat(kcl.hashKeyRangeForLease().endingHashKey())
                .isEqualTo(new BigInteger("170141183460469231731687303715884105727"));

        assertThat(table.release(fresh.key(), 3, "a", null).await().indefinitely()).isTrue();
        kcl = KCL.fromDynamoRecord(item(table, fresh.key()));
        assertThat(kcl.leaseOwner()).as("released").isNull();
        assertThat(kcl.checkpoint().sequenceNumber()).isEqualTo(position.sequenceNumberAsString());

        Lease released = table.get(fresh.key()).await().indefinitely().orElseThrow();
        assertThat(table.take(released, "b").await().indefinitely()).isTrue();
        assertThat(table.end(fresh.key(), 5, "b", List.of("shardId-000000000002", "shardId-000000000003"))
                .await().indefinitely()).isTrue();
        kcl = KCL.fromDynamoRecord(item(table, fresh.key()));
        assertThat(kcl.checkpoint()).isEqualTo(ExtendedSequenceNumber.SHARD_END);
        assertThat(kcl.childShardIds()).containsExactlyInAnyOrder("shardId-000000000002", "shardId-000000000003");
        assertThat(kcl.leaseOwner()).isNull();
        assertThat(kcl.ownerSwitchesSinceCheckpoint()).isZero();
        assertThat(table.get(fresh.key()).await().indefinitely().orElseThrow().claim().ended()).isTrue();
    }

    @Test
    void readsALeaseTheKclWrote() {
        LeaseTable table = newTable();
        software.amazon.kinesis.leases.Lease kcl = kclLease("shardId-000000000007",
                new ExtendedSequenceNumber("49590338271490256608559692538361571095921575989136588898", 5L));
        client.putItem(b -> b.tableName(table.name()).item(KCL.toDynamoRecord(kcl))).join();

        Lease ours = table.get("shardId-000000000007").await().indefinitely().orElseThrow();
        assertThat(ours.owner()).isEqualTo("kcl-worker-1");
        assertThat(ours.counter()).isEqualTo(42);
        assertThat(ours.ownerSwitches()).isEqualTo(2);
        assertThat(ours.parents()).containsExactly("shardId-000000000003");
        assertThat(ours.startingHashKey()).isEqualTo("0");
        assertThat(ours.endingHashKey()).isEqualTo("10");
        assertThat(ours.claim().checkpoint())
                .contains(ShardPosition.of("49590338271490256608559692538361571095921575989136588898", 5));

        software.amazon.kinesis.leases.Lease fromStart = kclLease("shardId-000000000008",
                ExtendedSequenceNumber.TRIM_HORIZON);
        client.putItem(b -> b.tableName(table.name()).item(KCL.toDynamoRecord(fromStart))).join();
        assertThat(table.get("shardId-000000000008").await().indefinitely().orElseThrow().claim())
                .isSameAs(ShardClaim.fromOldest());
        // our take of the KCL's lease is conditional on its counter
        Lease seen = table.get("shardId-000000000008").await().indefinitely().orElseThrow();
        assertThat(table.take(seen, "ours").await().indefinitely()).isTrue();
        assertThat(KCL.fromDynamoRecord(item(table, "shardId-000000000008")).leaseOwner()).isEqualTo("ours");
    }

    @Test
    void aHandOffMarkIsWrittenRenewedThroughAndClearedAsKcl3Does() {
        LeaseTable table = newTable();
        String key = "shardId-000000000004";
        Lease fresh = Lease.unowned(key, Lease.TRIM_HORIZON, List.of(), null, null);
        assertThat(table.create(fresh).await().indefinitely()).isTrue();
        assertThat(table.take(fresh, "a").await().indefinitely()).isTrue();
        Lease held = table.get(key).await().indefinitely().orElseThrow();

        // b marks it: b is the owner to be, a still holds it; the counter is not bumped
        assertThat(table.mark(held, "b").await().indefinitely()).isTrue();
        assertThat(table.mark(held, "c").await().indefinitely()).as("a second mark").isFalse();
        software.amazon.kinesis.leases.Lease kcl = KCL.fromDynamoRecord(item(table, key));
        assertThat(kcl.leaseOwner()).isEqualTo("b");
        assertThat(kcl.checkpointOwner()).isEqualTo("a");
        assertThat(kcl.shutdownRequested()).as("KCL 3 sees a hand-off under way").isTrue();
        assertThat(kcl.leaseCounter()).isEqualTo(held.counter());

        // a keeps renewing and checkpointing; its renewal shows it the mark; b cannot write as a holder yet
        Lease renewed = table.renew(key, held.counter(), "a").await().indefinitely().orElseThrow();
        assertThat(renewed.checkpointOwner()).isEqualTo("a");
        assertThat(renewed.owner()).isEqualTo("b");
        ShardPosition last = ShardPosition.of("49590338271490256608559692538361571095921575989136588898", 1);
        assertThat(table.handOver(key, renewed.counter(), "b", last).await().indefinitely())
                .as("hand-over by the worker that is not the holder").isFalse();
        assertThat(table.handOver(key, renewed.counter(), "a", last).await().indefinitely()).isTrue();

        // the hand-over: last checkpoint, mark gone, owner b, counter bumped; a can no longer write
        kcl = KCL.fromDynamoRecord(item(table, key));
        assertThat(kcl.leaseOwner()).isEqualTo("b");
        assertThat(kcl.checkpointOwner()).isNull();
        assertThat(kcl.checkpoint()).isEqualTo(new ExtendedSequenceNumber(last.sequenceNumberAsString(), 1L));
        assertThat(kcl.leaseCounter()).isEqualTo(renewed.counter() + 1);
        assertThat(table.renew(key, renewed.counter() + 1, "a").await().indefinitely()).isEmpty();
        assertThat(table.renew(key, renewed.counter() + 1, "b").await().indefinitely()).isPresent();

        // a take (holder gone) clears a mark too
        Lease now = table.get(key).await().indefinitely().orElseThrow();
        assertThat(table.mark(now, "c").await().indefinitely()).isTrue();
        Lease marked = table.get(key).await().indefinitely().orElseThrow();
        assertThat(table.take(marked, "c").await().indefinitely()).isTrue();
        assertThat(KCL.fromDynamoRecord(item(table, key)).checkpointOwner()).isNull();
        assertThat(KCL.fromDynamoRecord(item(table, key)).leaseOwner()).isEqualTo("c");
    }

    /** A lease as a KCL worker writes it. */
    static software.amazon.kinesis.leases.Lease kclLease(String key, ExtendedSequenceNumber checkpoint) {
        software.amazon.kinesis.leases.Lease kcl = new software.amazon.kinesis.leases.Lease();
        kcl.leaseKey(key);
        kcl.leaseOwner("kcl-worker-1");
        kcl.leaseCounter(42L);
        kcl.checkpoint(checkpoint);
        kcl.ownerSwitchesSinceCheckpoint(2L);
        kcl.parentShardIds(Set.of("shardId-000000000003"));
        kcl.hashKeyRange(new HashKeyRangeForLease(BigInteger.ZERO, BigInteger.TEN));
        return kcl;
    }

    private static Map<String, AttributeValue> item(LeaseTable table, String key) {
        return client.getItem(b -> b.tableName(table.name()).consistentRead(true)
                .key(Map.of("leaseKey", AttributeValue.fromS(key)))).join().item();
    }
}
