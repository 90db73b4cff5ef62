package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.Containers.UserRecord;
import io.smallrye.reactive.messaging.kinesis.IncomingFaultsTest.ScriptedStore;
import io.smallrye.reactive.messaging.kinesis.aggregation.PackedRecord;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.incoming.KinesisInboundChannel;
import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.core.SdkBytes;

/**
 * De-aggregation in the incoming channel, against {@link ScriptedKinesis}: user records as messages with their own
 * metadata, checkpoints and resumption at sub-sequence granularity, the pending bound counted in user records,
 * records that only look aggregated, user records outside the shard's range, and de-aggregation turned off.
 */
class IncomingDeaggregationTest extends WeldTestBase {

    static final String SHARD = "shardId-000000000000";
    static final BigInteger HALF = BigInteger.ONE.shiftLeft(127);

    ScriptedKinesis kinesis;
    ScriptedStore store;
    LogCapture logs;

    @BeforeEach
    void script() {
        kinesis = new ScriptedKinesis();
        ClientBean.use(kinesis);
        store = new ScriptedStore();
        ScriptedStore.current = store;
        addBeans(ClientBean.class, ScriptedStore.Factory.class);
        logs = LogCapture.start();
    }

    @AfterEach
    void stopCapture() {
        logs.close();
    }

    private MapBasedConfig channel() {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.scripted-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.scripted-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.scripted-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.scripted-in.checkpoint-store", "scripted-store")
                .with("mp.messaging.incoming.scripted-in.checkpoint-interval", "100ms")
                .with("mp.messaging.incoming.scripted-in.retry-backoff", "50ms");
    }

    /** What a message carried, to compare with what was written. */
    record Seen(String payload, String partitionKey, String explicitHashKey, String sequenceNumber,
            long subSequenceNumber) {
    }

    private static Seen seen(IncomingKinesisMessage<?> message) {
        IncomingKinesisMetadata metadata = message.getKinesisMetadata();
        return new Seen(new String((byte[]) message.getPayload(), StandardCharsets.UTF_8), metadata.getPartitionKey(),
                metadata.getExplicitHashKey().orElse(null), metadata.getSequenceNumber(),
                metadata.getSubSequenceNumber());
    }

    private static List<Seen> expected(String sequenceNumber, List<UserRecord> users) {
        return IntStream.range(0, users.size()).mapToObj(i -> new Seen(users.get(i).data(),
                users.get(i).partitionKey(), users.get(i).explicitHashKey(), sequenceNumber, i)).toList();
    }

    private static List<UserRecord> users(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> new UserRecord("key-" + (i % 3),
                i % 4 == 1 ? HALF.add(BigInteger.valueOf(i)).toString() : null, prefix + i)).toList();
    }

    private static String write(ScriptedKinesis.ScriptedShard shard, PackedRecord packed) {
        return shard.withData(packed.partitionKey(), packed.data());
    }

    @Test
    void eachUserRecordIsAMessageWithItsKeysAndSubSequenceNumberAndIsCheckpointedOnItsOwn() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD).withRecords(2);
        List<UserRecord> first = users("a-", 5);
        String firstSequence = write(shard, Containers.pack(first));
        shard.withRecords(1);
        List<UserRecord> second = users("b-", 3);
        String secondSequence = write(shard, Containers.pack(second));

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.messages().size() >= 11);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> app.messages().size() == 11);
        List<Seen> expected = new ArrayList<>();
        expected.add(new Seen(SHARD + ":0", "key-0", null, shard.records.get(0).sequenceNumber(), 0));
        expected.add(new Seen(SHARD + ":1", "key-1", null, shard.records.get(1).sequenceNumber(), 0));
        expected.addAll(expected(firstSequence, first));
        expected.add(new Seen(SHARD + ":3", "key-3", null, shard.records.get(3).sequenceNumber(), 0));
        expected.addAll(expected(secondSequence, second));
        assertThat(app.messages()).extracting(IncomingDeaggregationTest::seen).containsExactlyElementsOf(expected);
        // the Kinesis record of a user record is the aggregated record holding it
        assertThat(app.messages().get(3).getRecord().sequenceNumber()).isEqualTo(firstSequence);
        assertThat(Containers.startsWithMagic(app.messages().get(3).getRecord().data().asByteArray())).isTrue();
        assertThat(app.messages().get(3).getData().asUtf8String()).isEqualTo("a-1");
        assertThat(logs.all()).isEmpty();

        // acked up to user record 1 of the second aggregated record: the checkpoint says so
        app.ackFirst(10);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ShardPosition.of(secondSequence, 1).equals(store.checkpoints.get(SHARD)));
        app.ackFirst(11);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ShardPosition.of(secondSequence, 2).equals(store.checkpoints.get(SHARD)));
    }

    @Test
    void aCheckpointInsideAnAggregatedRecordResumesAfterItsLastProcessedUserRecord() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD).withRecords(1);
        List<UserRecord> users = users("u-", 10);
        String sequence = write(shard, Containers.pack(users));
        shard.withRecords(1);
        store.checkpoints.put(SHARD, ShardPosition.of(sequence, 4));

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.messages().size() >= 6);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> app.messages().size() == 6);
        List<Seen> expected = new ArrayList<>(expected(sequence, users).subList(5, 10));
        expected.add(new Seen(SHARD + ":2", "key-2", null, shard.records.get(2).sequenceNumber(), 0));
        assertThat(app.messages()).extracting(IncomingDeaggregationTest::seen).containsExactlyElementsOf(expected);
        assertThat(kinesis.iteratorRequests()).containsExactly(SHARD + " AT_SEQUENCE_NUMBER " + sequence);
    }

    @Test
    void expiredIteratorsBetweenAggregatedRecordsNeitherLoseNorRepeatUserRecords() {
        kinesis.pageSize = 2;
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD)
                .failCall(2, ScriptedKinesis::expired)
                .failCall(4, ScriptedKinesis::expired);
        List<Seen> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            List<UserRecord> users = users("c" + i + "-", 2 + i);
            expected.addAll(expected(write(shard, Containers.pack(users)), users));
        }

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.messages().size() >= expected.size());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> app.messages().size() == expected.size());
        assertThat(app.messages()).extracting(IncomingDeaggregationTest::seen).containsExactlyElementsOf(expected);
        assertThat(kinesis.iteratorRequests()).filteredOn(request -> request.contains("AT_SEQUENCE_NUMBER"))
                .hasSize(2);
    }

    /**
     * 20 aggregated records of 50 user records, a bound of 30 and a consumer that acks only when told: never more
     * than 30 user records pending; after the first page, GetRecords asks for one aggregated record at a time.
     */
    @Test
    void thePendingBoundCountsUserRecords() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD);
        List<Seen> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<UserRecord> users = users("p" + i + "-", 50);
            expected.addAll(expected(write(shard, Containers.pack(users)), users));
        }
        int bound = 30;
        Collector app = runApplication(channel()
                .with("mp.messaging.incoming.scripted-in.max-pending-records", bound)
                .with("mp.messaging.incoming.scripted-in.poll-interval", "50ms"), Collector.class);
        KinesisInboundChannel channel = connector().inboundChannel("scripted-in");

        await().atMost(Duration.ofSeconds(10)).until(() -> app.messages().size() >= bound);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> app.messages().size() == bound);
        assertThat(channel.pendingRecords()).isEqualTo(bound);
        int mostPending = 0;
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (app.messages().size() < expected.size() && System.nanoTime() < end) {
            int pending = channel.pendingRecords();
            mostPending = Math.max(mostPending, pending);
            assertThat(pending).isLessThanOrEqualTo(bound);
            assertThat(app.unacked()).isLessThanOrEqualTo(bound);
            app.ackFirst(app.messages().size());
            await().pollDelay(Duration.ofMillis(5)).until(() -> true);
        }
        app.ackFirst(app.messages().size());
        assertThat(app.messages()).extracting(IncomingDeaggregationTest::seen).containsExactlyElementsOf(expected);
        System.out.printf("IncomingDeaggregationTest: at most %d user records pending (bound %d); GetRecords limits %s%n",
                mostPending, bound, shard.limits());
        assertThat(mostPending).isLessThanOrEqualTo(bound);
        // the first call knows nothing of aggregation; later ones divide the room by 50 user records a record
        assertThat(shard.limits().get(0)).isEqualTo(bound);
        assertThat(shard.limits().subList(1, shard.limits().size())).isNotEmpty().allMatch(limit -> limit == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> channel.pendingRecords() == 0);
    }

    @Test
    void recordsThatOnlyLookAggregatedAreDeliveredAsTheyAreWithOneWarningAMinute() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD);
        byte[] valid = Containers.pack(users("v-", 4)).data().asByteArray();
        List<byte[]> broken = List.of(
                Containers.flipByte(valid, valid.length / 2),
                Containers.truncate(valid, valid.length - 3),
                Containers.wrongMd5(valid),
                Containers.badProtobufGoodMd5("no protobuf here".getBytes(StandardCharsets.UTF_8)),
                Containers.truncate(valid, 10));
        List<String> sequences = new ArrayList<>();
        broken.forEach(data -> sequences.add(shard.withData("raw", SdkBytes.fromByteArray(data))));
        List<UserRecord> users = users("after-", 3);
        String validSequence = write(shard, Containers.pack(users));

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.messages().size() >= 8);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> app.messages().size() == 8);
        for (int i = 0; i < broken.size(); i++) {
            IncomingKinesisMessage<?> message = app.messages().get(i);
            assertThat((byte[]) message.getPayload()).as("record %d", i).isEqualTo(broken.get(i));
            assertThat(message.getKinesisMetadata().getSequenceNumber()).isEqualTo(sequences.get(i));
            assertThat(message.getKinesisMetadata().getSubSequenceNumber()).isZero();
            assertThat(message.getKinesisMetadata().getPartitionKey()).isEqualTo("raw");
        }
        assertThat(app.messages().subList(5, 8)).extracting(IncomingDeaggregationTest::seen)
                .containsExactlyElementsOf(expected(validSequence, users));
        assertThat(logs.containing("SRKIN1200")).singleElement().satisfies(warning -> assertThat(warning)
                .contains("scripted-in").contains(sequences.get(0)).contains(SHARD).contains("BAD_MD5"));
    }

    @Test
    void userRecordsOutsideTheShardsRangeAreDeliveredWithOneWarningPerShard() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD)
                .withHashKeyRange(BigInteger.ZERO, HALF.subtract(BigInteger.ONE));
        List<UserRecord> inside = List.of(new UserRecord("in-0", "1", "in-0"), new UserRecord("in-1", "2", "in-1"));
        List<UserRecord> outside = List.of(new UserRecord("in-2", "3", "in-2"),
                new UserRecord("out-0", HALF.toString(), "out-0"), new UserRecord("out-1", HALF.toString(), "out-1"));
        List<Seen> expected = new ArrayList<>(expected(write(shard, Containers.pack(inside)), inside));
        expected.addAll(expected(write(shard, Containers.pack(outside)), outside));
        expected.addAll(expected(write(shard, Containers.pack(outside)), outside));

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.messages().size() >= expected.size());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> app.messages().size() == expected.size());
        assertThat(app.messages()).extracting(IncomingDeaggregationTest::seen).containsExactlyElementsOf(expected);
        assertThat(logs.containing("SRKIN1201")).singleElement().satisfies(warning -> assertThat(warning)
                .contains(SHARD).contains("2 user record(s)").contains("sub-sequence number 1")
                .contains("'out-0'"));
    }

    @Test
    void withDeaggregationOffAnAggregatedRecordIsOneMessage() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD);
        PackedRecord packed = Containers.pack(users("off-", 4));
        String sequence = write(shard, packed);
        shard.withRecords(1);

        Collector app = runApplication(channel().with("mp.messaging.incoming.scripted-in.deaggregation", false),
                Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.messages().size() >= 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> app.messages().size() == 2);
        IncomingKinesisMessage<?> message = app.messages().get(0);
        assertThat((byte[]) message.getPayload()).isEqualTo(packed.data().asByteArray());
        assertThat(message.getKinesisMetadata().getPartitionKey()).isEqualTo(packed.partitionKey());
        assertThat(message.getKinesisMetadata().getSequenceNumber()).isEqualTo(sequence);
        assertThat(message.getKinesisMetadata().getSubSequenceNumber()).isZero();
        assertThat(logs.all()).isEmpty();
    }

    /** Keeps every message; acks them, in order, when told. */
    @ApplicationScoped
    public static class Collector {
        private final List<IncomingKinesisMessage<?>> messages = new CopyOnWriteArrayList<>();
        private int acked;

        /** Read through this method: a field read through the client proxy is empty. */
        List<IncomingKinesisMessage<?>> messages() {
            return messages;
        }

        @Incoming("scripted-in")
        CompletionStage<Void> consume(Message<byte[]> message) {
            messages.add((IncomingKinesisMessage<?>) message);
            return CompletableFuture.completedFuture(null);
        }

        /** Acks the first {@code count} messages (those not acked yet), in order. */
        synchronized void ackFirst(int count) {
            while (acked < count) {
                messages.get(acked++).ack();
            }
        }

        synchronized int unacked() {
            return messages.size() - acked;
        }
    }
}
