package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kinesis.checkpoint.InMemoryCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import io.vertx.core.json.JsonObject;

/**
 * batch=true against kinesis-mock: each message carries the records of one GetRecords page of one shard as a List,
 * each record decoded as payload-type says, with each record's metadata; acking a batch moves the checkpoint past it
 * (whatever the order of the acks). Nacks: {@link IncomingBatchFailureTest}.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingBatchTest extends WeldTestBase {

    static final String SHARD = "shardId-000000000000";
    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    static String newStream(int records) {
        String stream = "batch-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 1);
        write(stream, 0, records);
        return stream;
    }

    static void write(String stream, int from, int to) {
        StreamWriter.putAll(kinesis.client(), stream, IntStream.range(from, to)
                .mapToObj(i -> StreamWriter.entry("key-" + i, order(i))).toList());
    }

    static String order(int i) {
        return "{\"id\":" + i + ",\"item\":\"i-" + i + "\"}";
    }

    static MapBasedConfig channel(MapBasedConfig config, String channel, String stream, String payloadType) {
        String prefix = "mp.messaging.incoming." + channel + ".";
        config.with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "stream", stream)
                .with(prefix + "region", kinesis.region())
                .with(prefix + "endpoint-override", kinesis.endpoint().toString())
                .with(prefix + "starting-position", "trim_horizon")
                .with(prefix + "checkpoint-interval", "100ms")
                .with(prefix + "batch", true);
        if (payloadType != null) {
            config.with(prefix + "payload-type", payloadType);
        }
        return config;
    }

    @Test
    void aPageOfRecordsArrivesAsOneListOfBytesStringsJsonOrPojos() {
        String stream = newStream(6);
        MapBasedConfig config = new MapBasedConfig();
        channel(config, "bytes-in", stream, null);
        channel(config, "string-in", stream, "string");
        channel(config, "object-in", stream, "json-object");
        channel(config, "pojo-in", stream, Order.class.getName());
        BatchConsumers app = runApplication(config, BatchConsumers.class);

        List<String> all = IntStream.range(0, 6).mapToObj(IncomingBatchTest::order).toList();
        await().atMost(Duration.ofSeconds(20)).until(() -> app.pojos().size() == 1 && app.bytes().size() == 1
                && app.strings().size() == 1 && app.objects().size() == 1);
        // the six records were written before the channel started: one GetRecords page, one message
        assertThat(app.bytes().get(0)).extracting(data -> new String(data, StandardCharsets.UTF_8))
                .containsExactlyElementsOf(all);
        assertThat(app.strings().get(0)).containsExactlyElementsOf(all);
        assertThat(app.objects().get(0)).containsExactlyElementsOf(all.stream().map(JsonObject::new).toList());
        assertThat(app.pojos().get(0)).containsExactlyElementsOf(
                IntStream.range(0, 6).mapToObj(i -> new Order(i, "i-" + i)).toList());
    }

    @Test
    void theBatchMetadataGivesEachRecordsMetadataInPayloadOrder() {
        String stream = newStream(4);
        MetadataConsumer app = runApplication(channel(new MapBasedConfig(), "meta-in", stream, null),
                MetadataConsumer.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.batches().size() == 1);
        IncomingKinesisBatchMetadata batch = app.batches().get(0);
        List<KinesisMock.ShardRecord> written = kinesis.readAll(stream);
        assertThat(batch.getStream()).isEqualTo(stream);
        assertThat(batch.getShardId()).isEqualTo(SHARD);
        assertThat(batch.size()).isEqualTo(4);
        assertThat(batch.getRecords()).extracting(IncomingKinesisMetadata::getSequenceNumber)
                .containsExactlyElementsOf(written.stream().map(KinesisMock.ShardRecord::sequenceNumber).toList());
        assertThat(batch.getRecords()).extracting(IncomingKinesisMetadata::getPartitionKey)
                .containsExactly("key-0", "key-1", "key-2", "key-3");
        assertThat(batch.getRecords()).allSatisfy(record -> {
            assertThat(record.getShardId()).isEqualTo(SHARD);
            assertThat(record.getStream()).isEqualTo(stream);
            assertThat(record.getSubSequenceNumber()).isZero();
            assertThat(record.getApproximateArrivalTimestamp()).isNotNull();
        });
        assertThat(app.payloads().get(0)).extracting(data -> new String(data, StandardCharsets.UTF_8))
                .containsExactly(order(0), order(1), order(2), order(3));
    }

    @Test
    void theUserRecordsOfAggregatedRecordsAreElementsOfTheBatchOneByOne() {
        String stream = "batch-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 1);
        StreamWriter.putAll(kinesis.client(), stream, List.of(
                StreamWriter.entry("plain", "p-0"),
                Containers.pack(List.of(new Containers.UserRecord("a", null, "u-0"),
                        new Containers.UserRecord("b", null, "u-1"), new Containers.UserRecord("c", null, "u-2")))
                        .toPutRecordsRequestEntry()));
        MetadataConsumer app = runApplication(channel(new MapBasedConfig(), "meta-in", stream, null),
                MetadataConsumer.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.batches().size() == 1);
        assertThat(app.payloads().get(0)).extracting(data -> new String(data, StandardCharsets.UTF_8))
                .containsExactly("p-0", "u-0", "u-1", "u-2");
        List<IncomingKinesisMetadata> records = app.batches().get(0).getRecords();
        assertThat(records).extracting(IncomingKinesisMetadata::getPartitionKey).containsExactly("plain", "a", "b", "c");
        assertThat(records).extracting(IncomingKinesisMetadata::getSubSequenceNumber).containsExactly(0L, 0L, 1L, 2L);
        String container = kinesis.readAll(stream).get(1).sequenceNumber();
        assertThat(records.subList(1, 4)).extracting(IncomingKinesisMetadata::getSequenceNumber)
                .containsOnly(container);
    }

    @Test
    void anInjectedMultiOfListsGetsTheBatches() {
        String stream = newStream(5);
        StreamConsumer app = runApplication(channel(new MapBasedConfig(), "stream-in", stream, "string"),
                StreamConsumer.class);
        app.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> count(app.received()) == 5);
        assertThat(app.received().stream().flatMap(List::stream).toList())
                .containsExactlyElementsOf(IntStream.range(0, 5).mapToObj(IncomingBatchTest::order).toList());
    }

    @Test
    void maxRecordsAndMaxPendingRecordsBoundTheBatches() {
        String stream = newStream(10);
        MapBasedConfig config = new MapBasedConfig();
        channel(config, "bytes-in", stream, null).with("mp.messaging.incoming.bytes-in.max-records", 4);
        channel(config, "string-in", stream, "string").with("mp.messaging.incoming.string-in.max-pending-records", 3);
        BatchConsumers app = runApplication(config, BatchConsumers.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> count(app.bytes()) == 10 && count(app.strings()) == 10);
        assertThat(app.bytes()).extracting(List::size).allSatisfy(size -> assertThat(size).isBetween(1, 4));
        assertThat(app.strings()).extracting(List::size).allSatisfy(size -> assertThat(size).isBetween(1, 3));
        assertThat(app.strings().stream().flatMap(List::stream).toList())
                .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(IncomingBatchTest::order).toList());
    }

    @Test
    void theCheckpointMovesPastABatchOnceItAndTheBatchesBeforeItAreAcked() {
        String stream = newStream(9);
        HeldBatches app = runApplication(channel(new MapBasedConfig(), "held-in", stream, null)
                .with("mp.messaging.incoming.held-in.max-records", 3), HeldBatches.class);
        List<KinesisMock.ShardRecord> written = kinesis.readAll(stream);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.held().size() == 3);
        app.held().get(1).ack();
        // the second batch is done, the first is not: nothing is safe to resume after yet
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(checkpoint("held-in")).isNull();

        app.held().get(0).ack();
        ShardPosition endOfSecond = ShardPosition.of(written.get(5).sequenceNumber());
        await().atMost(Duration.ofSeconds(10)).until(() -> endOfSecond.equals(checkpoint("held-in")));

        app.held().get(2).ack();
        ShardPosition last = ShardPosition.of(written.get(8).sequenceNumber());
        await().atMost(Duration.ofSeconds(10)).until(() -> last.equals(checkpoint("held-in")));
        assertThat(connector().inboundChannel("held-in").pendingRecords()).isZero();
    }

    private ShardPosition checkpoint(String channel) {
        InMemoryCheckpointStore store = (InMemoryCheckpointStore) connector().inboundChannel(channel)
                .checkpointStore();
        return store.position(SHARD).orElse(null);
    }

    static int count(List<? extends List<?>> batches) {
        return batches.stream().mapToInt(List::size).sum();
    }

    public record Order(int id, String item) {
    }

    @ApplicationScoped
    public static class BatchConsumers {
        final List<List<byte[]>> bytes = new CopyOnWriteArrayList<>();

        List<List<byte[]>> bytes() {
            return bytes;
        }

        final List<List<String>> strings = new CopyOnWriteArrayList<>();

        List<List<String>> strings() {
            return strings;
        }

        final List<List<JsonObject>> objects = new CopyOnWriteArrayList<>();

        List<List<JsonObject>> objects() {
            return objects;
        }

        final List<List<Order>> pojos = new CopyOnWriteArrayList<>();

        List<List<Order>> pojos() {
            return pojos;
        }

        @Incoming("bytes-in")
        void bytes(List<byte[]> batch) {
            bytes.add(batch);
        }

        @Incoming("string-in")
        void strings(List<String> batch) {
            strings.add(batch);
        }

        @Incoming("object-in")
        void objects(List<JsonObject> batch) {
            objects.add(batch);
        }

        @Incoming("pojo-in")
        void pojos(List<Order> batch) {
            pojos.add(batch);
        }
    }

    @ApplicationScoped
    public static class MetadataConsumer {
        final List<IncomingKinesisBatchMetadata> batches = new CopyOnWriteArrayList<>();

        List<IncomingKinesisBatchMetadata> batches() {
            return batches;
        }

        final List<List<byte[]>> payloads = new CopyOnWriteArrayList<>();

        List<List<byte[]>> payloads() {
            return payloads;
        }

        @Incoming("meta-in")
        CompletionStage<Void> consume(Message<List<byte[]>> batch) {
            batches.add(batch.getMetadata(IncomingKinesisBatchMetadata.class).orElseThrow());
            payloads.add(batch.getPayload());
            return batch.ack();
        }
    }

    @ApplicationScoped
    public static class StreamConsumer {
        @Inject
        @Channel("stream-in")
        Multi<List<String>> stream;

        private final List<List<String>> received = new CopyOnWriteArrayList<>();

        List<List<String>> received() {
            return received;
        }

        void start() {
            stream.subscribe().with(received::add);
        }
    }

    @ApplicationScoped
    public static class HeldBatches {
        final List<Message<List<byte[]>>> held = new CopyOnWriteArrayList<>();

        List<Message<List<byte[]>>> held() {
            return held;
        }

        @Incoming("held-in")
        CompletionStage<Void> hold(Message<List<byte[]>> batch) {
            held.add(batch);
            return CompletableFuture.completedFuture(null);
        }
    }

}
