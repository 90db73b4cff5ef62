package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.Containers.UserRecord;
import io.smallrye.reactive.messaging.kinesis.IncomingFailureStrategyTest.PoisonedConsumer;
import io.smallrye.reactive.messaging.kinesis.IncomingFaultsTest.ScriptedStore;
import io.smallrye.reactive.messaging.kinesis.aggregation.PackedRecord;
import io.smallrye.reactive.messaging.kinesis.checkpoint.InMemoryCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * De-aggregation against kinesis-mock: our producer's aggregated records read back by our consumer, records that only
 * look aggregated, user records routed to the wrong shard, a restart inside an aggregated record, a nacked user
 * record sent to the dead-letter stream.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingAggregationEmulatorTest extends WeldTestBase {

    static final String SHARD_0 = "shardId-000000000000";
    static KinesisMock kinesis;
    LogCapture logs;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.start();
    }

    @AfterEach
    void stopCapture() {
        logs.close();
    }

    static String newStream(int shards) {
        String stream = "agg-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, shards);
        return stream;
    }

    static MapBasedConfig incoming(String stream) {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.orders-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.orders-in.stream", stream)
                .with("mp.messaging.incoming.orders-in.region", kinesis.region())
                .with("mp.messaging.incoming.orders-in.endpoint-override", kinesis.endpoint().toString())
                .with("mp.messaging.incoming.orders-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.orders-in.checkpoint-interval", "100ms");
    }

    private static PutRecordsRequestEntry entry(PackedRecord packed) {
        return packed.toPutRecordsRequestEntry();
    }

    private static PutRecordsRequestEntry entry(String partitionKey, byte[] data) {
        return StreamWriter.entry(partitionKey, data);
    }

    /** A received message: payload and metadata. */
    record Received(byte[] bytes, IncomingKinesisMetadata metadata) {
        String payload() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static void awaitExactly(Collector app, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> app.received().size() >= count);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> app.received().size() == count);
    }

    @Test
    void whatOurProducerAggregatesOurConsumerUnpacksOnceInPerKeyOrder() {
        String stream = newStream(2);
        int count = 2_000;
        int keys = 20;
        addBeans(Sender.class);
        Collector app = runApplication(incoming(stream)
                .with("mp.messaging.outgoing.orders-out.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.outgoing.orders-out.stream", stream)
                .with("mp.messaging.outgoing.orders-out.region", kinesis.region())
                .with("mp.messaging.outgoing.orders-out.endpoint-override", kinesis.endpoint().toString())
                .with("mp.messaging.outgoing.orders-out.aggregation", true)
                .with("mp.messaging.outgoing.orders-out.buffer-time", "100ms"), Collector.class);
        Sender sender = get(Sender.class);

        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // every fifth message of a key routed by an explicit hash key, into the key's own shard or the other one
            String explicitHashKey = i % 5 == 0 ? BigInteger.ONE.shiftLeft(120).multiply(BigInteger.valueOf(i % 256))
                    .toString() : null;
            sends.add(sender.send("m-" + i, "key-" + (i % keys), explicitHashKey));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).orTimeout(120, TimeUnit.SECONDS).join();

        awaitExactly(app, count);
        List<KinesisMock.ShardRecord> stored = kinesis.readAll(stream);
        Set<String> aggregatedRecords = stored.stream().filter(record -> Containers.startsWithMagic(record.data()))
                .map(KinesisMock.ShardRecord::sequenceNumber).collect(java.util.stream.Collectors.toSet());
        List<Received> received = app.received();
        assertThat(received.stream().map(Received::payload).distinct()).hasSize(count);
        Map<String, List<Integer>> perKey = new HashMap<>();
        Map<String, List<Long>> subSequences = new TreeMap<>();
        for (Received message : received) {
            int index = Integer.parseInt(message.payload().substring(2));
            assertThat(message.metadata().getPartitionKey()).isEqualTo("key-" + (index % keys));
            // Kinesis does not return the explicit hash key of a plain record (sent before the shard map was known)
            boolean inAggregated = aggregatedRecords.contains(message.metadata().getSequenceNumber());
            assertThat(message.metadata().getExplicitHashKey().orElse(null)).as("message %d", index)
                    .isEqualTo(index % 5 == 0 && inAggregated
                            ? BigInteger.ONE.shiftLeft(120).multiply(BigInteger.valueOf(index % 256)).toString()
                            : null);
            perKey.computeIfAbsent(message.metadata().getShardId() + "/" + message.metadata().getPartitionKey(),
                    k -> new ArrayList<>()).add(index);
            subSequences.computeIfAbsent(message.metadata().getSequenceNumber(), k -> new ArrayList<>())
                    .add(message.metadata().getSubSequenceNumber());
        }
        // per key and shard (an explicit hash key may route a message of the key to the other shard), emission order
        perKey.forEach((key, indexes) -> assertThat(indexes).as("order of %s", key).isSorted());
        // the user records of an aggregated record come in order, sub-sequence numbers 0..n-1
        subSequences.forEach((sequence, subs) -> assertThat(subs).as("record %s", sequence)
                .containsExactlyElementsOf(IntStream.range(0, subs.size()).mapToObj(i -> (long) i).toList()));

        long aggregated = aggregatedRecords.size();
        System.out.printf("IncomingAggregationEmulatorTest: %d messages stored as %d Kinesis records, %d of them aggregated%n",
                count, stored.size(), aggregated);
        assertThat(stored.size()).isLessThan(count / 2);
        assertThat(aggregated).isPositive();
        assertThat(subSequences).hasSize(stored.size());
        assertThat(logs.all()).isEmpty();
    }

    /**
     * Property-style: aggregated records broken at random (a byte flipped, truncated, another digest, or a digest that
     * matches bytes that are no AggregatedRecord), written with the SDK, each come as one message, as written.
     */
    @Test
    void brokenAggregatedRecordsAreDeliveredAsWrittenWithOneWarning() {
        String stream = newStream(1);
        long seed = Long.getLong("aggregation.seed", System.nanoTime());
        Random random = new Random(seed);
        List<byte[]> written = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            List<UserRecord> users = IntStream.range(0, 2 + random.nextInt(20))
                    .mapToObj(j -> new UserRecord("k-" + random.nextInt(50), null, "d-" + random.nextLong()))
                    .toList();
            byte[] valid = Containers.pack(users).data().asByteArray();
            switch (i % 4) {
                case 0 -> {
                    int index = random.nextInt(valid.length);
                    written.add(Containers.flipByte(valid, index));
                    kinds.add("byte " + index + " of " + valid.length + " flipped");
                }
                case 1 -> {
                    int length = 1 + random.nextInt(valid.length - 1);
                    written.add(Containers.truncate(valid, length));
                    kinds.add("truncated to " + length + " of " + valid.length);
                }
                case 2 -> {
                    written.add(Containers.wrongMd5(valid));
                    kinds.add("wrong MD5");
                }
                default -> {
                    byte[] garbage = new byte[1 + random.nextInt(60)];
                    random.nextBytes(garbage);
                    garbage[0] = 0x0F; // field 1 with wire type 7: no protobuf message starts so
                    written.add(Containers.badProtobufGoodMd5(garbage));
                    kinds.add("bad protobuf, right MD5");
                }
            }
        }
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            entries.add(entry("raw-" + i, written.get(i)));
        }
        List<UserRecord> after = List.of(new UserRecord("a", null, "after-0"), new UserRecord("b", null, "after-1"));
        entries.add(entry(Containers.pack(after)));
        StreamWriter.putAll(kinesis.client(), stream, entries);

        Collector app = runApplication(incoming(stream), Collector.class);

        awaitExactly(app, written.size() + 2);
        List<Received> received = app.received();
        for (int i = 0; i < written.size(); i++) {
            Received message = received.get(i);
            assertThat(message.bytes()).as("record %d (%s), seed %d", i, kinds.get(i), seed).isEqualTo(written.get(i));
            assertThat(message.metadata().getPartitionKey()).isEqualTo("raw-" + i);
            assertThat(message.metadata().getSubSequenceNumber()).isZero();
        }
        assertThat(received.subList(written.size(), written.size() + 2)).extracting(Received::payload)
                .containsExactly("after-0", "after-1");
        assertThat(received.stream().map(r -> r.metadata().getSequenceNumber()).distinct()).hasSize(written.size() + 1);
        // one warning for the shard within a minute, naming the first record that looked aggregated
        assertThat(logs.containing("SRKIN1200")).as("seed %d", seed).singleElement()
                .satisfies(warning -> assertThat(warning).contains(SHARD_0).contains("orders-in"));
    }

    /**
     * An aggregated record whose user records belong to the other shard, routed to shard 0 with an explicit hash key:
     * the KCL would drop it; every user record is delivered, and one warning names the shard.
     */
    @Test
    void userRecordsOutsideTheirShardAreDeliveredWithOneWarningPerShard() {
        String stream = newStream(2);
        List<Shard> shards = kinesis.client().listShards(r -> r.streamName(stream)).join().shards();
        Shard first = shards.stream().filter(shard -> shard.shardId().equals(SHARD_0)).findFirst().orElseThrow();
        Shard second = shards.stream().filter(shard -> !shard.shardId().equals(SHARD_0)).findFirst().orElseThrow();
        String inFirst = first.hashKeyRange().startingHashKey();
        String inSecond = second.hashKeyRange().startingHashKey();
        List<UserRecord> users = List.of(new UserRecord("u-0", inFirst, "u-0"), new UserRecord("u-1", inSecond, "u-1"),
                new UserRecord("u-2", inSecond, "u-2"));
        List<UserRecord> more = List.of(new UserRecord("v-0", inSecond, "v-0"), new UserRecord("v-1", inFirst, "v-1"));
        PutRecordsRequestEntry routed = entry(Containers.pack(users)).toBuilder().explicitHashKey(inFirst).build();
        PutRecordsRequestEntry routedToo = entry(Containers.pack(more)).toBuilder().explicitHashKey(inFirst).build();
        StreamWriter.putAll(kinesis.client(), stream, List.of(routed, routedToo));
        assertThat(kinesis.readAll(stream)).extracting(KinesisMock.ShardRecord::shardId).containsOnly(SHARD_0);

        Collector app = runApplication(incoming(stream), Collector.class);

        awaitExactly(app, 5);
        assertThat(app.received()).extracting(Received::payload).containsExactly("u-0", "u-1", "u-2", "v-0", "v-1");
        assertThat(app.received()).allSatisfy(message -> assertThat(message.metadata().getShardId()).isEqualTo(SHARD_0));
        assertThat(app.received()).extracting(message -> message.metadata().getExplicitHashKey().orElseThrow())
                .containsExactly(inFirst, inSecond, inSecond, inSecond, inFirst);
        assertThat(logs.containing("SRKIN1201")).singleElement().satisfies(warning -> assertThat(warning)
                .contains(SHARD_0).contains("2 user record(s)").contains("sub-sequence number 1").contains("'u-1'"));
    }

    /**
     * The first half of an aggregated record's user records is acked, in order; the channel stops, and a new one
     * resumes from the stored position: exactly the other half is received, then what follows.
     */
    @Test
    void aRestartInsideAnAggregatedRecordResumesAfterTheLastAckedUserRecord() {
        String stream = newStream(1);
        List<UserRecord> users = IntStream.range(0, 10)
                .mapToObj(i -> new UserRecord("key-" + (i % 3), null, "u-" + i)).toList();
        StreamWriter.putAll(kinesis.client(), stream, List.of(StreamWriter.entry("p", "before"),
                entry(Containers.pack(users)), StreamWriter.entry("p", "after")));
        String container = kinesis.readAll(stream).get(1).sequenceNumber();
        ScriptedStore store = new ScriptedStore();
        ScriptedStore.current = store;
        MapBasedConfig config = incoming(stream).with("mp.messaging.incoming.orders-in.checkpoint-store",
                "scripted-store");

        addBeans(ScriptedStore.Factory.class);
        HalfAcker first = runApplication(config, HalfAcker.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.received().size() >= 12);
        assertThat(first.received()).containsExactly("before", "u-0", "u-1", "u-2", "u-3", "u-4", "u-5", "u-6", "u-7",
                "u-8", "u-9", "after");
        await().atMost(Duration.ofSeconds(10)).until(() -> ShardPosition.of(container, 4)
                .equals(store.checkpoints.get(SHARD_0)));
        stopContainer();
        assertThat(store.checkpoints.get(SHARD_0)).isEqualTo(ShardPosition.of(container, 4));

        initWeld();
        addBeans(ScriptedStore.Factory.class);
        Collector second = runApplication(config, Collector.class);
        awaitExactly(second, 6);
        assertThat(second.received()).extracting(Received::payload)
                .containsExactly("u-5", "u-6", "u-7", "u-8", "u-9", "after");
        assertThat(second.received().subList(0, 5)).extracting(message -> message.metadata().getSubSequenceNumber())
                .containsExactly(5L, 6L, 7L, 8L, 9L);
        await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.readAll(stream).get(2).sequenceNumber()
                .equals(String.valueOf(store.checkpoints.get(SHARD_0))));
    }

    @Test
    void aNackedUserRecordGoesAloneToTheDeadLetterStream() {
        String stream = newStream(1);
        String deadLetters = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(deadLetters, 1);
        List<UserRecord> users = IntStream.range(0, 10)
                .mapToObj(i -> new UserRecord("key-" + i, i == 3 ? "12345" : null, "m-" + i)).toList();
        StreamWriter.putAll(kinesis.client(), stream, List.of(entry(Containers.pack(users))));
        String container = kinesis.readAll(stream).get(0).sequenceNumber();

        PoisonedConsumer app = runApplication(incoming(stream)
                .with("mp.messaging.incoming.orders-in.failure-strategy", "dead-letter-stream")
                .with("mp.messaging.incoming.orders-in.dead-letter-stream", deadLetters), PoisonedConsumer.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() >= 10);
        assertThat(app.received()).containsExactlyElementsOf(users.stream().map(UserRecord::data).toList());
        InMemoryCheckpointStore store = (InMemoryCheckpointStore) connector().inboundChannel("orders-in")
                .checkpointStore();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> store.position(SHARD_0).equals(java.util.Optional.of(ShardPosition.of(container, 9))));
        List<KinesisMock.ShardRecord> dead = kinesis.readAll(deadLetters);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).data()).isEqualTo("m-3".getBytes(StandardCharsets.UTF_8));
        assertThat(dead.get(0).partitionKey()).isEqualTo("key-3");
    }

    @ApplicationScoped
    public static class Collector {
        private final List<Received> received = new CopyOnWriteArrayList<>();

        List<Received> received() {
            return new ArrayList<>(received);
        }

        @Incoming("orders-in")
        CompletionStage<Void> consume(Message<byte[]> message) {
            received.add(new Received(message.getPayload(),
                    message.getMetadata(IncomingKinesisMetadata.class).orElseThrow()));
            return message.ack();
        }
    }

    /** Acks "before" and the first five user records; never acks the others. */
    @ApplicationScoped
    public static class HalfAcker {
        static final Set<String> ACKED = Set.of("before", "u-0", "u-1", "u-2", "u-3", "u-4");
        private final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return new ArrayList<>(received);
        }

        @Incoming("orders-in")
        CompletionStage<Void> consume(Message<byte[]> message) {
            String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
            received.add(payload);
            return ACKED.contains(payload) ? message.ack() : CompletableFuture.completedFuture(null);
        }
    }

    @ApplicationScoped
    public static class Sender {
        @Inject
        @Channel("orders-out")
        @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
        Emitter<byte[]> emitter;

        CompletableFuture<Void> send(String payload, String key, String explicitHashKey) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            emitter.send(Message.of(payload.getBytes(StandardCharsets.UTF_8), Metadata.of(OutgoingKinesisMetadata
                    .builder().partitionKey(key).explicitHashKey(explicitHashKey).build()))
                    .withAck(() -> {
                        done.complete(null);
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        done.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
            return done;
        }
    }
}
