package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynaliteTables;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Lease clean-up of a channel with checkpoint-store=dynamodb against kinesis-mock and dynalite: after a split and a
 * merge, the leases of the closed parents go once their children have checkpoints (not before), a lease of a shard the
 * stream does not have goes, and a restarted application does not read the cleaned-up shards again.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingLeaseCleanupTest extends WeldTestBase {

    static final String S0 = "shardId-000000000000";
    static final String S1 = "shardId-000000000001";
    static final String S2 = "shardId-000000000002";
    static final String S3 = "shardId-000000000003";
    static final String UNKNOWN = "shardId-000000000099";
    static final BigInteger HALF = BigInteger.ONE.shiftLeft(127);

    static KinesisMock kinesis;
    static Dynalite dynalite;
    static DynamoDbAsyncClient dynamoDb;

    @BeforeAll
    static void emulators(KinesisMock mock) {
        kinesis = mock;
        dynalite = new Dynalite();
        dynalite.start();
        dynamoDb = DynaliteTables.client(dynalite);
    }

    @AfterAll
    static void stopDynalite() {
        dynamoDb.close();
        dynalite.stop();
    }

    private static MapBasedConfig channel(String stream, String table, String worker) {
        String prefix = "mp.messaging.incoming.orders-in.";
        return new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "stream", stream)
                .with(prefix + "region", kinesis.region())
                .with(prefix + "endpoint-override", kinesis.endpoint().toString())
                .with(prefix + "starting-position", "trim_horizon")
                .with(prefix + "checkpoint-interval", "200ms")
                .with(prefix + "shard-discovery-interval", "500ms")
                .with(prefix + "checkpoint-store", "dynamodb")
                .with(prefix + "application-name", table)
                .with(prefix + "worker-id", worker)
                .with(prefix + "failover-time", "1500ms")
                .with(prefix + "lease-cleanup-interval", "300ms")
                .with(prefix + "garbage-lease-cleanup-interval", "1s")
                .with(prefix + "dynamodb-endpoint-override", dynalite.endpoint().toString());
    }

    /** Writes records {@code from} to {@code to} (excluded), alternating between the lower and the upper hash keys. */
    private static void write(String stream, int from, int to) {
        List<PutRecordsRequestEntry> entries = IntStream.range(from, to)
                .mapToObj(i -> PutRecordsRequestEntry.builder().partitionKey("key-" + i)
                        .explicitHashKey((i % 2 == 0 ? BigInteger.TEN : HALF.add(BigInteger.TEN)).toString())
                        .data(SdkBytes.fromUtf8String("m-" + i)).build())
                .toList();
        kinesis.client().putRecords(b -> b.streamName(stream).records(entries)).join();
    }

    private static void awaitActive(String stream) {
        await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.client()
                .describeStreamSummary(b -> b.streamName(stream)).join().streamDescriptionSummary()
                .streamStatus() == StreamStatus.ACTIVE);
    }

    /** The checkpoint of each lease of the table, by shard. */
    private static Map<String, String> leases(String table) {
        return DynaliteTables.items(dynamoDb, table).stream().collect(Collectors.toMap(
                item -> item.get("leaseKey").s(),
                item -> item.containsKey("checkpoint") ? item.get("checkpoint").s() : "none"));
    }

    private static void createTableWithAnUnknownShardsLease(String table) {
        dynamoDb.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("leaseKey").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("leaseKey")
                        .attributeType(ScalarAttributeType.S).build()))
                .join();
        // dynalite may still say ResourceNotFound to a write right after CreateTable under load
        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(table)).join();
        // left by an earlier stream of the same name, or past the retention period
        dynamoDb.putItem(b -> b.tableName(table).item(Map.of("leaseKey", AttributeValue.fromS(UNKNOWN),
                "leaseCounter", AttributeValue.fromN("7"), "checkpoint",
                AttributeValue.fromS("49590338271490256608559692538361571095921575989136588898"),
                "checkpointSubSequenceNumber", AttributeValue.fromN("0")))).join();
    }

    @Test
    void splitAndMergeLeaveOnlyTheLeasesStillNeededAndARestartReadsNoCleanedShardAgain() {
        String stream = "cleanup-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 1);
        write(stream, 0, 20);
        String table = DynaliteTables.newTableName();
        createTableWithAnUnknownShardsLease(table);

        Consumer first = runApplication(channel(stream, table, "first"), Consumer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.received().size() >= 20);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(leases(table))
                .as("the lease of a shard the stream does not have is deleted").containsOnlyKeys(S0));

        // split: the children have no records yet, so no checkpoint: the parent's lease is kept
        kinesis.client().splitShard(b -> b.streamName(stream).shardToSplit(S0).newStartingHashKey(HALF.toString()))
                .join();
        awaitActive(stream);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(leases(table))
                .containsEntry(S0, "SHARD_END").containsEntry(S1, "TRIM_HORIZON").containsEntry(S2, "TRIM_HORIZON"));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> leases(table).containsKey(S0));

        // records in both children: checkpointed, so the parent's lease goes
        write(stream, 20, 40);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.received().size() >= 40);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(leases(table)).containsOnlyKeys(S1, S2)
                .allSatisfy((shard, checkpoint) -> assertThat(checkpoint).matches("\\d+")));

        // merge: the merged parents' leases go once the child has records
        kinesis.client().mergeShards(b -> b.streamName(stream).shardToMerge(S1).adjacentShardToMerge(S2)).join();
        awaitActive(stream);
        write(stream, 40, 50);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.received().size() >= 50);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(leases(table)).containsOnlyKeys(S3)
                .allSatisfy((shard, checkpoint) -> assertThat(checkpoint).matches("\\d+")));
        assertThat(first.received()).containsExactlyInAnyOrderElementsOf(payloads(0, 50));
        container.shutdown();

        // a restart, reading from the oldest records: the closed shards have no lease, and are not read again
        write(stream, 50, 60);
        initWeld();
        Consumer second = runApplication(channel(stream, table, "second"), Consumer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.received().size() >= 10);
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        assertThat(second.received()).as("only the records written after the restart")
                .containsExactlyInAnyOrderElementsOf(payloads(50, 60));
        assertThat(leases(table)).containsOnlyKeys(S3);
    }

    private static List<String> payloads(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m-" + i).toList();
    }

    @ApplicationScoped
    public static class Consumer {
        private final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return new ArrayList<>(received);
        }

        @Incoming("orders-in")
        void consume(String payload) {
            received.add(payload);
        }
    }
}
