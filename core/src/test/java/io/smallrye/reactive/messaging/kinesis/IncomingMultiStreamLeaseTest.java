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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynaliteTables;
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
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.kinesis.common.HashKeyRangeForLease;
import software.amazon.kinesis.common.StreamIdentifier;
import software.amazon.kinesis.leases.MultiStreamLease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBMultiStreamLeaseSerializer;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * A channel reading several streams with checkpoint-store=dynamodb, against kinesis-mock and dynalite: its lease items
 * are those of a KCL 3 multi-stream application (read and written with the KCL's own multi-stream serializer), and a
 * restarted application resumes every stream from its checkpoints.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingMultiStreamLeaseTest extends WeldTestBase {

    static final DynamoDBMultiStreamLeaseSerializer KCL = new DynamoDBMultiStreamLeaseSerializer();
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

    private static String newStream(int shards) {
        String stream = "mlease-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, shards);
        return stream;
    }

    private static void write(String stream, int from, int to) {
        StreamWriter.putAll(kinesis.client(), stream,
                IntStream.range(from, to).mapToObj(i -> StreamWriter.entry("key-" + i, stream + "/m-" + i)).toList());
    }

    /** The stream as a KCL multi-stream application names it: account-id:stream-name:creation-epoch. */
    private static StreamIdentifier kclIdentifier(String stream) {
        StreamDescriptionSummary summary = kinesis.client().describeStreamSummary(b -> b.streamName(stream)).join()
                .streamDescriptionSummary();
        String account = summary.streamARN().split(":")[4];
        return StreamIdentifier.multiStreamInstance(
                account + ":" + stream + ":" + summary.streamCreationTimestamp().getEpochSecond());
    }

    private static MapBasedConfig channel(String streams, String table, String worker) {
        String prefix = "mp.messaging.incoming.orders-in.";
        return new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "streams", streams)
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

    private static Map<String, MultiStreamLease> leases(String table) {
        return DynaliteTables.items(dynamoDb, table).stream().map(KCL::fromDynamoRecord)
                .collect(Collectors.toMap(MultiStreamLease::leaseKey, lease -> lease));
    }

    private static void createTable(String table) {
        dynamoDb.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("leaseKey").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("leaseKey")
                        .attributeType(ScalarAttributeType.S).build()))
                .join();
    }

    @Test
    void writesKclMultiStreamLeasesAndARestartResumesEveryStreamAfterItsCheckpoints() {
        String a = newStream(2);
        String b = newStream(1);
        write(a, 0, 20);
        write(b, 0, 10);
        String table = DynaliteTables.newTableName();
        Consumer first = runApplication(channel(a + "," + b, table, "first"), Consumer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.received().size() >= 30);
        assertThat(first.received()).containsExactlyInAnyOrderElementsOf(payloads(a, 0, 20, b, 0, 10));
        container.shutdown();

        // the items as the KCL's multi-stream serializer reads them: one per shard of each stream
        StreamIdentifier idA = kclIdentifier(a);
        StreamIdentifier idB = kclIdentifier(b);
        Map<String, MultiStreamLease> leases = leases(table);
        assertThat(leases).hasSize(3);
        assertThat(leases.values()).allSatisfy(lease -> {
            assertThat(lease.leaseKey()).isEqualTo(MultiStreamLease.getLeaseKey(lease.streamIdentifier(),
                    lease.shardId()));
            assertThat(lease.shardId()).startsWith("shardId-");
            assertThat(lease.leaseOwner()).as("released").isNull();
            assertThat(lease.checkpoint().sequenceNumber()).as("checkpointed").matches("\\d+");
        });
        assertThat(leases.values()).extracting(MultiStreamLease::streamIdentifier)
                .containsExactlyInAnyOrder(idA.serialize(), idA.serialize(), idB.serialize());

        write(a, 20, 30);
        write(b, 10, 25);
        initWeld(); // a new application, as after a restart
        Consumer second = runApplication(channel(a + "," + b, table, "second"), Consumer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.received().size() >= 25);
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(second.received()).as("only the records written after the restart")
                .containsExactlyInAnyOrderElementsOf(payloads(a, 20, 30, b, 10, 25));
    }

    @Test
    void continuesATableOfAKclMultiStreamApplication() {
        String a = newStream(1);
        String b = newStream(1);
        write(a, 0, 15);
        write(b, 0, 15);
        String table = DynaliteTables.newTableName();
        createTable(table);
        List<String> expected = new ArrayList<>();
        for (String stream : List.of(a, b)) {
            StreamIdentifier id = kclIdentifier(stream);
            Map<String, List<ShardRecord>> byShard = kinesis.readAll(stream).stream()
                    .collect(Collectors.groupingBy(ShardRecord::shardId));
            byShard.forEach((shard, records) -> {
                records.sort(Comparator.comparing(record -> new BigInteger(record.sequenceNumber())));
                MultiStreamLease lease = new MultiStreamLease();
                lease.streamIdentifier(id.serialize());
                lease.shardId(shard);
                lease.leaseKey(MultiStreamLease.getLeaseKey(id.serialize(), shard));
                lease.leaseOwner("kcl-worker-1");
                lease.leaseCounter(17L);
                lease.ownerSwitchesSinceCheckpoint(0L);
                lease.checkpoint(new ExtendedSequenceNumber(records.get(4).sequenceNumber(), 0L));
                lease.hashKeyRange(new HashKeyRangeForLease(BigInteger.ZERO, BigInteger.ONE));
                dynamoDb.putItem(put -> put.tableName(table).item(KCL.toDynamoRecord(lease))).join();
                records.subList(5, records.size()).forEach(record -> expected.add(stream + "|" + record.dataAsUtf8()));
            });
        }
        // a lease of a stream this channel does not read: left alone
        MultiStreamLease foreign = new MultiStreamLease();
        foreign.streamIdentifier("123456789012:elsewhere:1700000000");
        foreign.shardId("shardId-000000000000");
        foreign.leaseKey("123456789012:elsewhere:1700000000:shardId-000000000000");
        foreign.leaseOwner("kcl-worker-1");
        foreign.leaseCounter(3L);
        foreign.ownerSwitchesSinceCheckpoint(0L);
        foreign.checkpoint(ExtendedSequenceNumber.TRIM_HORIZON);
        dynamoDb.putItem(put -> put.tableName(table).item(KCL.toDynamoRecord(foreign))).join();

        Consumer app = runApplication(channel(a + "," + b, table, "ours"), Consumer.class);
        // the KCL worker is gone: its leases expire after the failover time, then this channel takes them
        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= expected.size());
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(app.received()).containsExactlyInAnyOrderElementsOf(expected);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(leases(table).values())
                .filteredOn(lease -> !lease.streamIdentifier().contains("elsewhere"))
                .hasSize(2).allSatisfy(lease -> {
                    assertThat(lease.leaseOwner()).isEqualTo("ours");
                    assertThat(lease.leaseCounter()).isGreaterThan(17L);
                }));
        MultiStreamLease untouched = leases(table).get(foreign.leaseKey());
        assertThat(untouched.leaseOwner()).isEqualTo("kcl-worker-1");
        assertThat(untouched.leaseCounter()).isEqualTo(3L);
    }

    private static List<String> payloads(String a, int fromA, int toA, String b, int fromB, int toB) {
        List<String> all = new ArrayList<>();
        IntStream.range(fromA, toA).forEach(i -> all.add(a + "|" + a + "/m-" + i));
        IntStream.range(fromB, toB).forEach(i -> all.add(b + "|" + b + "/m-" + i));
        return all;
    }

    @ApplicationScoped
    public static class Consumer {
        private final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return new ArrayList<>(received);
        }

        @Incoming("orders-in")
        CompletionStage<Void> consume(Message<String> message) {
            String stream = message.getMetadata(IncomingKinesisMetadata.class).orElseThrow().getStream();
            received.add(stream + "|" + message.getPayload());
            return message.ack();
        }
    }
}
