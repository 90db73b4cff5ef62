package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynamoDbCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock.ShardRecord;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.kinesis.common.HashKeyRangeForLease;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * An incoming channel with checkpoint-store=dynamodb against kinesis-mock and dynalite: it continues a lease table
 * a KCL application wrote (items built with the KCL's own serializer), and a restarted application continues from its
 * checkpoints.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingLeaseTableTest extends WeldTestBase {

    static final DynamoDBLeaseSerializer KCL = new DynamoDBLeaseSerializer();
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

    private static String newStream(int shards, int records) {
        String stream = "lease-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, shards);
        write(stream, 0, records);
        return stream;
    }

    private static void write(String stream, int from, int to) {
        StreamWriter.putAll(kinesis.client(), stream,
                IntStream.range(from, to).mapToObj(i -> StreamWriter.entry("key-" + i, "m-" + i)).toList());
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
                .with(prefix + "checkpoint-store", "dynamodb")
                .with(prefix + "application-name", table)
                .with(prefix + "worker-id", worker)
                .with(prefix + "failover-time", "1500ms")
                .with(prefix + "dynamodb-endpoint-override", dynalite.endpoint().toString());
    }

    private static Map<String, Lease> leases(String table) {
        return DynaliteTables.items(dynamoDb, table).stream().map(KCL::fromDynamoRecord)
                .collect(Collectors.toMap(Lease::leaseKey, lease -> lease));
    }

    @Test
    void continuesALeaseTableWrittenByTheKcl() {
        String stream = newStream(2, 40);
        Map<String, List<ShardRecord>> byShard = kinesis.readAll(stream).stream()
                .collect(Collectors.groupingBy(ShardRecord::shardId));
        assertThat(byShard).hasSize(2);

        // the table a KCL application left: its worker held both leases, checkpointed at the 5th record of each shard
        String table = DynaliteTables.newTableName();
        dynamoDb.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("leaseKey").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("leaseKey")
                        .attributeType(ScalarAttributeType.S).build()))
                .join();
        List<String> expected = new ArrayList<>();
        byShard.forEach((shard, records) -> {
            records.sort(Comparator.comparing(record -> new BigInteger(record.sequenceNumber())));
            Lease lease = new Lease();
            lease.leaseKey(shard);
            lease.leaseOwner("kcl-worker-1");
            lease.leaseCounter(17L);
            lease.ownerSwitchesSinceCheckpoint(0L);
            lease.checkpoint(new ExtendedSequenceNumber(records.get(4).sequenceNumber(), 0L));
            lease.hashKeyRange(new HashKeyRangeForLease(BigInteger.ZERO, BigInteger.ONE));
            dynamoDb.putItem(b -> b.tableName(table).item(KCL.toDynamoRecord(lease))).join();
            records.subList(5, records.size()).forEach(record -> expected.add(record.dataAsUtf8()));
        });

        Consumer app = runApplication(channel(stream, table, "ours"), Consumer.class);
        // the KCL worker is gone: its leases expire after the failover time, then this channel takes them
        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= expected.size());
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(app.received()).containsExactlyInAnyOrderElementsOf(expected);

        // its checkpoints are in the KCL's format, where the KCL would continue
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> leases(table).forEach((shard, lease) -> {
            List<ShardRecord> records = byShard.get(shard);
            assertThat(lease.leaseOwner()).isEqualTo("ours");
            assertThat(lease.checkpoint())
                    .isEqualTo(new ExtendedSequenceNumber(records.get(records.size() - 1).sequenceNumber(), 0L));
            assertThat(lease.leaseCounter()).isGreaterThan(17L);
        }));
        container.shutdown();
        assertThat(leases(table).values()).as("released at shutdown").allSatisfy(lease -> assertThat(lease.leaseOwner())
                .isNull());
    }

    @Test
    void aRestartedApplicationContinuesAfterItsCheckpoints() {
        String stream = newStream(2, 30);
        String table = DynaliteTables.newTableName();
        Consumer first = runApplication(channel(stream, table, "first"), Consumer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.received().size() >= 30);
        assertThat(first.received()).containsExactlyInAnyOrderElementsOf(payloads(0, 30));
        // what the Dev UI's Consumers page shows of the table: the items as the KCL reads them
        DynamoDbCheckpointStore store = (DynamoDbCheckpointStore) connector().inboundChannel("orders-in")
                .checkpointStore();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Lease> kcl = leases(table);
            assertThat(store.leaseItems().await().atMost(Duration.ofSeconds(10))).hasSize(2).allSatisfy(item -> {
                assertThat(item.owner()).isEqualTo("first");
                assertThat(item.counter()).isEqualTo(kcl.get(item.shardId()).leaseCounter());
                assertThat(item.checkpoint()).isEqualTo(kcl.get(item.shardId()).checkpoint().sequenceNumber());
            });
        });
        container.shutdown();
        assertThat(leases(table)).hasSize(2).allSatisfy((shard, lease) -> {
            assertThat(lease.leaseOwner()).as("released").isNull();
            assertThat(lease.checkpoint().sequenceNumber()).as("checkpointed").matches("\\d+");
        });

        write(stream, 30, 50);
        initWeld(); // a new application, as after a restart
        Consumer second = runApplication(channel(stream, table, "second"), Consumer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.received().size() >= 20);
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(second.received()).as("only the records written after the restart")
                .containsExactlyInAnyOrderElementsOf(payloads(30, 50));
    }

    @Test
    void healthReportsALeaseTableThatCannotBeReached() {
        String stream = newStream(1, 5);
        Dynalite own = new Dynalite();
        own.start();
        try {
            MapBasedConfig config = channel(stream, DynaliteTables.newTableName(), "alone")
                    .with("mp.messaging.incoming.orders-in.dynamodb-endpoint-override", own.endpoint().toString());
            Consumer app = runApplication(config, Consumer.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 5);
            assertThat(connector().getReadiness().isOk()).isTrue();

            own.stop();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var readiness = connector().getReadiness();
                assertThat(readiness.isOk()).isFalse();
                assertThat(readiness.getChannels()).singleElement().satisfies(channel -> assertThat(channel.getMessage())
                        .contains("lease table").contains("failed"));
            });
            // the leases could not be renewed: the shard is no longer read
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> connector().inboundChannel("orders-in").activeShards() == 0);
        } finally {
            own.stop();
        }
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
