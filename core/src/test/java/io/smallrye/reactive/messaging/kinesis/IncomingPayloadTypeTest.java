package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.checkpoint.InMemoryCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * payload-type on incoming channels, against kinesis-mock: the record data becomes a String, Vert.x JSON or a POJO;
 * a record that cannot be read so is nacked and goes through the failure strategy.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingPayloadTypeTest extends WeldTestBase {

    static final String SHARD = "shardId-000000000000";
    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    private static String newStream(String... records) {
        String stream = "pt-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 1);
        List<software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < records.length; i++) {
            entries.add(StreamWriter.entry("key-" + i, records[i]));
        }
        StreamWriter.putAll(kinesis.client(), stream, entries);
        return stream;
    }

    private static MapBasedConfig channel(MapBasedConfig config, String channel, String stream, String payloadType) {
        String prefix = "mp.messaging.incoming." + channel + ".";
        config.with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "stream", stream)
                .with(prefix + "region", kinesis.region())
                .with(prefix + "endpoint-override", kinesis.endpoint().toString())
                .with(prefix + "starting-position", "trim_horizon")
                .with(prefix + "checkpoint-interval", "100ms");
        if (payloadType != null) {
            config.with(prefix + "payload-type", payloadType);
        }
        return config;
    }

    @Test
    void recordsBecomeStringsJsonAndPojosAsTheChannelsSay() {
        String orders = newStream("{\"id\":1,\"item\":\"book\"}", "{\"id\":2,\"item\":\"pen\",\"extra\":true}");
        String arrays = newStream("[1,2]", "[\"a\"]");
        MapBasedConfig config = new MapBasedConfig();
        channel(config, "bytes-in", orders, null);
        channel(config, "string-in", orders, "string");
        channel(config, "object-in", orders, "json-object");
        channel(config, "pojo-in", orders, Order.class.getName());
        channel(config, "array-in", arrays, "json-array");
        TypedConsumers app = runApplication(config, TypedConsumers.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.bytes().size() == 2 && app.strings().size() == 2
                && app.objects().size() == 2 && app.pojos().size() == 2 && app.arrays().size() == 2);
        assertThat(new String(app.bytes().get(0), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"item\":\"book\"}");
        assertThat(app.strings()).containsExactly("{\"id\":1,\"item\":\"book\"}",
                "{\"id\":2,\"item\":\"pen\",\"extra\":true}");
        assertThat(app.objects()).containsExactly(new JsonObject().put("id", 1).put("item", "book"),
                new JsonObject().put("id", 2).put("item", "pen").put("extra", true));
        // unknown properties ("extra") are ignored, as by Quarkus's ObjectMapper
        assertThat(app.pojos()).containsExactly(new Order(1, "book"), new Order(2, "pen"));
        assertThat(app.arrays()).containsExactly(new JsonArray().add(1).add(2), new JsonArray().add("a"));
    }

    @Test
    void anUnreadableRecordIsSkippedWithIgnoreAndTheNextOnesArrive() {
        String stream = newStream("{\"id\":1,\"item\":\"book\"}", "not json", "{\"id\":3,\"item\":\"cup\"}");
        PojoConsumer app = runApplication(channel(new MapBasedConfig(), "pojo-in", stream, Order.class.getName())
                .with("mp.messaging.incoming.pojo-in.failure-strategy", "ignore"), PojoConsumer.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() >= 2);
        assertThat(app.received()).containsExactly(new Order(1, "book"), new Order(3, "cup"));
        ShardPosition last = ShardPosition.of(kinesis.readAll(stream).get(2).sequenceNumber());
        await().atMost(Duration.ofSeconds(10)).until(() -> last.equals(checkpoint("pojo-in")));
        assertThat(connector().getLiveness().isOk()).isTrue();
    }

    @Test
    void anUnreadableRecordStopsTheChannelWithFailNamingWhereItIsAndTheType() {
        String stream = newStream("{\"id\":1,\"item\":\"book\"}", "[\"not an order\"]", "{\"id\":3,\"item\":\"cup\"}");
        PojoConsumer app = runApplication(channel(new MapBasedConfig(), "pojo-in", stream, Order.class.getName()),
                PojoConsumer.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> !connector().getLiveness().isOk());
        String sequence = kinesis.readAll(stream).get(1).sequenceNumber();
        assertThat(connector().getLiveness().getChannels()).singleElement().satisfies(info -> assertThat(
                info.getMessage()).as(connector().getLiveness().getChannels().toString())
                .contains("pojo-in", stream, SHARD, sequence, Order.class.getName()));
        assertThat(app.received()).containsExactly(new Order(1, "book"));
        // the unreadable record is not processed: the checkpoint stays on the record before it
        ShardPosition first = ShardPosition.of(kinesis.readAll(stream).get(0).sequenceNumber());
        await().atMost(Duration.ofSeconds(10)).until(() -> first.equals(checkpoint("pojo-in")));
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterStreamAsItWas() {
        String stream = newStream("{\"id\":1,\"item\":\"book\"}", "{broken", "{\"id\":3,\"item\":\"cup\"}");
        String deadLetters = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(deadLetters, 1);
        PojoConsumer app = runApplication(channel(new MapBasedConfig(), "pojo-in", stream, Order.class.getName())
                .with("mp.messaging.incoming.pojo-in.failure-strategy", "dead-letter-stream")
                .with("mp.messaging.incoming.pojo-in.dead-letter-stream", deadLetters), PojoConsumer.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() >= 2);
        assertThat(app.received()).containsExactly(new Order(1, "book"), new Order(3, "cup"));
        await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.readAll(deadLetters).size() == 1);
        KinesisMock.ShardRecord dead = kinesis.readAll(deadLetters).get(0);
        assertThat(dead.dataAsUtf8()).isEqualTo("{broken");
        assertThat(dead.partitionKey()).isEqualTo("key-1");
    }

    @Test
    void anUnknownClassFailsTheStartNamingTheChannelAndAttribute() {
        addBeans(PojoConsumer.class);
        Throwable failure = catchThrowable(() -> runApplication(
                channel(new MapBasedConfig(), "pojo-in", "whatever", "com.example.NoSuchOrder")));
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        assertThat(messages).anySatisfy(message -> assertThat(message).contains("pojo-in", "payload-type",
                "com.example.NoSuchOrder"));
    }

    private ShardPosition checkpoint(String channel) {
        InMemoryCheckpointStore store = (InMemoryCheckpointStore) connector().inboundChannel(channel)
                .checkpointStore();
        return store.position(SHARD).orElse(null);
    }

    public record Order(int id, String item) {
    }

    @ApplicationScoped
    public static class TypedConsumers {
        final List<byte[]> bytes = new CopyOnWriteArrayList<>();
        final List<String> strings = new CopyOnWriteArrayList<>();
        final List<JsonObject> objects = new CopyOnWriteArrayList<>();
        final List<Order> pojos = new CopyOnWriteArrayList<>();
        final List<JsonArray> arrays = new CopyOnWriteArrayList<>();

        List<byte[]> bytes() {
            return bytes;
        }

        List<String> strings() {
            return strings;
        }

        List<JsonObject> objects() {
            return objects;
        }

        List<Order> pojos() {
            return pojos;
        }

        List<JsonArray> arrays() {
            return arrays;
        }

        @Incoming("bytes-in")
        void bytes(byte[] payload) {
            bytes.add(payload);
        }

        @Incoming("string-in")
        void strings(String payload) {
            strings.add(payload);
        }

        @Incoming("object-in")
        void objects(JsonObject payload) {
            objects.add(payload);
        }

        @Incoming("pojo-in")
        java.util.concurrent.CompletionStage<Void> pojos(Message<Order> message) {
            pojos.add(message.getPayload());
            return message.ack();
        }

        @Incoming("array-in")
        void arrays(JsonArray payload) {
            arrays.add(payload);
        }
    }

    @ApplicationScoped
    public static class PojoConsumer {
        final List<Order> received = new CopyOnWriteArrayList<>();

        List<Order> received() {
            return received;
        }

        @Incoming("pojo-in")
        void consume(Order order) {
            received.add(order);
        }
    }
}
