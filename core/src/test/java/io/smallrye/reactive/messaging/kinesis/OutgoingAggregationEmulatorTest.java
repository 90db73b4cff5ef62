package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * Producer-side aggregation against kinesis-mock, read back as a consumer would: the raw Kinesis records of each
 * shard are de-aggregated by the KCL's {@link AggregatorUtil}, an implementation of the KPL format we did not write,
 * with the shard's hash key range, so the KCL also checks that every user record belongs to the shard it landed on
 * (it drops a whole aggregated record otherwise).
 */
@ExtendWith(KinesisMockExtension.class)
class OutgoingAggregationEmulatorTest extends WeldTestBase {

    private static final byte[] MAGIC = { (byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2 };
    private static final int COUNT = 3_000;
    private static final int KEYS = 300;
    private static final int PAYLOAD_BYTES = 100;

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    /** A user record as the KCL delivers it, with the shard it was read from. */
    record Delivered(String shardId, KinesisClientRecord record, String payload) {
    }

    private static String newStream(int shards) {
        String stream = "agg-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, shards);
        return stream;
    }

    private MapBasedConfig channel(String stream, boolean aggregation) {
        return new MapBasedConfig()
                .with("mp.messaging.outgoing.agg-out.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.outgoing.agg-out.stream", stream)
                .with("mp.messaging.outgoing.agg-out.region", kinesis.region())
                .with("mp.messaging.outgoing.agg-out.endpoint-override", kinesis.endpoint().toString())
                .with("mp.messaging.outgoing.agg-out.aggregation", String.valueOf(aggregation));
    }

    /** "{key}/{index}/" padded with dots to 100 bytes. */
    private static String payload(int index) {
        StringBuilder payload = new StringBuilder(keyOf(index)).append('/').append(index).append('/');
        while (payload.length() < PAYLOAD_BYTES) {
            payload.append('.');
        }
        return payload.toString();
    }

    private static String keyOf(int index) {
        return "key-" + (index % KEYS);
    }

    private static int indexOf(String payload) {
        String[] parts = payload.split("/");
        return Integer.parseInt(parts[1]);
    }

    /** Sends COUNT messages through the Emitter and waits for every ack; returns the send results by payload. */
    private static Map<String, KinesisSendResult> sendAll(AggregatingSender app) {
        Map<String, CompletableFuture<KinesisSendResult>> sends = new LinkedHashMap<>();
        for (int i = 0; i < COUNT; i++) {
            sends.put(payload(i), app.send(payload(i), keyOf(i)));
        }
        CompletableFuture.allOf(sends.values().toArray(CompletableFuture[]::new)).orTimeout(120, TimeUnit.SECONDS)
                .join();
        Map<String, KinesisSendResult> results = new LinkedHashMap<>();
        sends.forEach((payload, send) -> {
            assertThat(send).as("send of %s", payload).isCompleted().isNotCompletedExceptionally();
            results.put(payload, send.join());
        });
        return results;
    }

    /** Every raw record of the stream, de-aggregated by the KCL shard by shard, in shard order. */
    private static List<Delivered> readWithTheKcl(String stream, List<KinesisMock.ShardRecord> raw) {
        List<Shard> shards = kinesis.client().listShards(r -> r.streamName(stream)).join().shards();
        AggregatorUtil kcl = new AggregatorUtil();
        List<Delivered> delivered = new ArrayList<>();
        for (Shard shard : shards) {
            List<KinesisClientRecord> records = raw.stream().filter(r -> r.shardId().equals(shard.shardId()))
                    .map(r -> KinesisClientRecord.fromRecord(r.record())).toList();
            for (KinesisClientRecord record : kcl.deaggregate(records, shard.hashKeyRange().startingHashKey(),
                    shard.hashKeyRange().endingHashKey())) {
                String payload = SdkBytes.fromByteBuffer(record.data()).asUtf8String();
                delivered.add(new Delivered(shard.shardId(), record, payload));
            }
        }
        return delivered;
    }

    private static boolean hasMagic(KinesisMock.ShardRecord record) {
        byte[] data = record.data();
        return data.length >= MAGIC.length && Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * The KCL delivers each message once, with its partition key, per key in emission order; each ack said where:
     * shard, sequence number and sub-sequence number.
     */
    private static void assertDeliveredOnceInOrderWhereAcked(List<Delivered> delivered,
            Map<String, KinesisSendResult> results, String stream) {
        Map<String, Integer> times = new HashMap<>();
        Map<String, List<Integer>> perKey = new LinkedHashMap<>();
        for (Delivered user : delivered) {
            times.merge(user.payload(), 1, Integer::sum);
            assertThat(user.record().partitionKey()).as("key of %s", user.payload())
                    .isEqualTo(keyOf(indexOf(user.payload())));
            perKey.computeIfAbsent(user.record().partitionKey(), k -> new ArrayList<>()).add(indexOf(user.payload()));
            assertThat(results.get(user.payload())).as("send result of %s", user.payload())
                    .isEqualTo(new KinesisSendResult(stream, user.shardId(), user.record().sequenceNumber(),
                            user.record().subSequenceNumber()));
        }
        assertThat(times.keySet()).containsExactlyInAnyOrderElementsOf(results.keySet());
        assertThat(times.values()).allMatch(n -> n == 1);
        assertThat(perKey).hasSize(KEYS);
        perKey.forEach((key, indexes) -> assertThat(indexes).as("order of key %s", key).isSorted());
    }

    @Test
    void aggregatedRecordsAreUnpackedByTheKclIntoEveryMessageOnceInPerKeyOrder() {
        String stream = newStream(4);
        // Records go plain until the channel has the stream's shard map. The first ListShards of a fresh client takes
        // about 0.6 s against kinesis-mock here, more than the default buffer-time (500ms): with 3 s, the first
        // request waits for the map and every request is aggregated. (Plain records before the map are tested with
        // the fake client.)
        AggregatingSender app = runApplication(channel(stream, true)
                .with("mp.messaging.outgoing.agg-out.buffer-time", "3s"), AggregatingSender.class);

        Map<String, KinesisSendResult> results = sendAll(app);

        List<KinesisMock.ShardRecord> raw = kinesis.readAll(stream);
        long aggregated = raw.stream().filter(OutgoingAggregationEmulatorTest::hasMagic).count();
        System.out.printf("kinesis-mock, aggregation=true: %d messages in %d Kinesis records (%d aggregated)%n", COUNT,
                raw.size(), aggregated);
        assertThat(raw.size()).isLessThanOrEqualTo(COUNT / 20);
        assertThat(aggregated).isPositive();
        assertThat(raw.stream().map(KinesisMock.ShardRecord::shardId).distinct()).hasSize(4);
        List<Delivered> delivered = readWithTheKcl(stream, raw);
        assertThat(delivered).hasSize(COUNT);
        assertThat(delivered).filteredOn(user -> user.record().aggregated()).hasSizeGreaterThan(COUNT * 9 / 10);
        assertDeliveredOnceInOrderWhereAcked(delivered, results, stream);
    }

    @Test
    void withoutAggregationEveryMessageIsAPlainRecord() {
        String stream = newStream(4);
        AggregatingSender app = runApplication(channel(stream, false), AggregatingSender.class);

        Map<String, KinesisSendResult> results = sendAll(app);

        List<KinesisMock.ShardRecord> raw = kinesis.readAll(stream);
        System.out.printf("kinesis-mock, aggregation=false: %d messages in %d Kinesis records%n", COUNT, raw.size());
        assertThat(raw).hasSize(COUNT).noneMatch(OutgoingAggregationEmulatorTest::hasMagic);
        List<Delivered> delivered = readWithTheKcl(stream, raw);
        assertThat(delivered).noneMatch(user -> user.record().aggregated());
        assertDeliveredOnceInOrderWhereAcked(delivered, results, stream);
    }

    /**
     * strict, 300 messages over 50 keys buffered (buffer-time 1 h), flushed when the application stops: each key's
     * records leave together in aggregated records (one per shard once the shard map is known, one per key before),
     * and the KCL reads every key's records back in emission order, where each ack said.
     */
    @Test
    void strictFlushesTheBufferedRecordsOfFewKeysAsAggregatedRecordsReadBackInOrder() {
        String stream = newStream(4);
        AggregatingSender app = runApplication(channel(stream, true)
                .with("mp.messaging.outgoing.agg-out.ordering", "strict")
                .with("mp.messaging.outgoing.agg-out.buffer-time", "1h"), AggregatingSender.class);
        int count = 300;
        int keys = 50;
        Map<String, CompletableFuture<KinesisSendResult>> sends = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String key = "few-" + (i % keys);
            String payload = key + "/" + i + "/";
            sends.put(payload, app.send(payload, key));
        }

        container.shutdown(); // flushes what the channel holds

        assertThat(sends.values()).allSatisfy(send -> assertThat(send).isCompleted().isNotCompletedExceptionally());
        List<KinesisMock.ShardRecord> raw = kinesis.readAll(stream);
        System.out.printf("kinesis-mock, strict flush of %d messages over %d keys: %d Kinesis records%n", count, keys,
                raw.size());
        assertThat(raw).hasSizeLessThanOrEqualTo(keys).allMatch(OutgoingAggregationEmulatorTest::hasMagic);
        List<Delivered> delivered = readWithTheKcl(stream, raw);
        assertThat(delivered).extracting(Delivered::payload).containsExactlyInAnyOrderElementsOf(sends.keySet());
        Map<String, List<Integer>> perKey = new LinkedHashMap<>();
        for (Delivered user : delivered) {
            assertThat(user.payload()).startsWith(user.record().partitionKey() + "/");
            perKey.computeIfAbsent(user.record().partitionKey(), k -> new ArrayList<>()).add(indexOf(user.payload()));
            assertThat(sends.get(user.payload()).join()).as("send result of %s", user.payload())
                    .isEqualTo(new KinesisSendResult(stream, user.shardId(), user.record().sequenceNumber(),
                            user.record().subSequenceNumber()));
        }
        assertThat(perKey).hasSize(keys);
        perKey.forEach((key, indexes) -> assertThat(indexes).as("order of key %s", key).isSorted());
    }

    @ApplicationScoped
    public static class AggregatingSender {

        @Inject
        @Channel("agg-out")
        @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
        Emitter<byte[]> emitter;

        /** Sends the payload with the partition key; completes with the send result once acked. */
        CompletableFuture<KinesisSendResult> send(String payload, String key) {
            CompletableFuture<KinesisSendResult> done = new CompletableFuture<>();
            OutgoingMessageMetadata<KinesisSendResult> result = new OutgoingMessageMetadata<>();
            Metadata metadata = Metadata.of(OutgoingKinesisMetadata.builder().partitionKey(key).build(), result);
            emitter.send(Message.of(payload.getBytes(StandardCharsets.UTF_8), metadata)
                    .withAck(() -> {
                        done.complete(result.getResult());
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
