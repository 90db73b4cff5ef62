package io.quarkiverse.messaging.kinesis.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.aggregation.AggregatedRecordWriter;
import io.smallrye.reactive.messaging.kinesis.aggregation.PackedRecord;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/** The companion against kinesis-mock (started by the test resource, as for a user's test). */
class KinesisCompanionTest {

    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static KinesisTestResource resource;
    private static KinesisCompanion kinesis;

    @BeforeAll
    static void startEmulator() {
        resource = new KinesisTestResource();
        resource.init(Map.of());
        resource.start();
        Holder holder = new Holder();
        resource.inject(FieldInjector.into(holder));
        kinesis = holder.kinesis;
    }

    @AfterAll
    static void stopEmulator() {
        resource.stop();
    }

    static class Holder {
        KinesisCompanion kinesis;
    }

    private static String newStream(int shards) {
        String name = "companion-" + STREAMS.incrementAndGet();
        kinesis.createStream(name, shards);
        return name;
    }

    @Test
    void createdStreamsAreActiveWithTheirShardsAndDeletedOnesGone() {
        String stream = newStream(3);
        assertThat(kinesis.openShards(stream)).isEqualTo(3);
        assertThatThrownBy(() -> kinesis.createStream(stream, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'" + stream + "' already exists");

        kinesis.deleteStream(stream);
        assertThatThrownBy(() -> kinesis.openShards(stream)).isInstanceOf(ResourceNotFoundException.class);
        kinesis.deleteStream(stream); // nothing to delete: no error
    }

    @Test
    void producedRecordsAreReadBackWithKeysShardsAndSequenceNumbers() {
        String stream = newStream(2);
        List<StreamProducer.Sent> sent = kinesis.produce(stream).record("alice", "book").record("bob", new byte[] { 1, 2 })
                .record("carol", "caf\u00e9").send();
        assertThat(sent).extracting(StreamProducer.Sent::partitionKey).containsExactly("alice", "bob", "carol");

        List<StreamRecord> records = kinesis.readAll(stream);

        assertThat(records).hasSize(3);
        for (StreamProducer.Sent one : sent) {
            StreamRecord record = records.stream().filter(r -> r.partitionKey().equals(one.partitionKey()))
                    .findFirst().orElseThrow();
            assertThat(record.shardId()).as("shard of %s", one.partitionKey()).isEqualTo(one.shardId());
            assertThat(record.sequenceNumber()).as("sequence number of %s", one.partitionKey())
                    .isEqualTo(one.sequenceNumber());
            assertThat(record.aggregated()).isFalse();
        }
        assertThat(records).filteredOn(r -> r.partitionKey().equals("carol")).singleElement()
                .extracting(StreamRecord::dataAsUtf8).isEqualTo("caf\u00e9");
        assertThat(records).filteredOn(r -> r.partitionKey().equals("bob")).singleElement()
                .extracting(StreamRecord::data).isEqualTo(new byte[] { 1, 2 });
    }

    @Test
    void stringsOfOneKeyArriveInOrderAndMoreThanOneRequestsWorth() {
        String stream = newStream(1);
        String[] values = new String[1_200];
        for (int i = 0; i < values.length; i++) {
            values[i] = "v" + i;
        }
        assertThat(kinesis.produce(stream).strings("k", values)).hasSize(values.length);

        assertThat(kinesis.readAll(stream)).extracting(StreamRecord::dataAsUtf8).containsExactly(values);
    }

    @Test
    void aConsumerFromLatestAwaitsOnlyTheRecordsWrittenAfterItAndContinuesWhereItStopped() {
        String stream = newStream(2);
        kinesis.produce(stream).strings("old", "before");
        StreamConsumer consumer = kinesis.consume(stream).fromLatest();

        kinesis.produce(stream).record("a", "one").record("b", "two").send();
        assertThat(consumer.awaitRecords(2, Duration.ofSeconds(10))).extracting(StreamRecord::dataAsUtf8)
                .containsExactlyInAnyOrder("one", "two");

        kinesis.produce(stream).strings("c", "three");
        assertThat(consumer.awaitRecords(3, Duration.ofSeconds(10))).extracting(StreamRecord::dataAsUtf8)
                .containsExactlyInAnyOrder("one", "two", "three");
    }

    @Test
    void awaitingMoreRecordsThanArriveFailsNamingStreamExpectedGotAndTimeWaited() {
        String stream = newStream(1);
        kinesis.produce(stream).strings("k", "only one");

        assertThatThrownBy(() -> kinesis.consume(stream).awaitRecords(2, Duration.ofMillis(500)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Stream '" + stream + "'")
                .hasMessageContaining("expected at least 2 records within 500 ms, got 1");
    }

    @Test
    void aggregatedRecordsAreReadAsTheirUserRecords() {
        String stream = newStream(1);
        AggregatedRecordWriter writer = new AggregatedRecordWriter(1024 * 1024);
        for (String key : List.of("x", "y", "z")) {
            assertThat(writer.tryAdd(key, null, SdkBytes.fromUtf8String("data of " + key))).isTrue();
        }
        PackedRecord packed = writer.build();
        assertThat(packed.aggregated()).isTrue();
        kinesis.client().putRecord(r -> r.streamName(stream).partitionKey(packed.partitionKey())
                .explicitHashKey(packed.explicitHashKey()).data(packed.data()));

        List<StreamRecord> records = kinesis.consume(stream).fromTrimHorizon().awaitRecords(3, Duration.ofSeconds(10));

        assertThat(records).extracting(StreamRecord::partitionKey).containsExactly("x", "y", "z");
        assertThat(records).extracting(StreamRecord::dataAsUtf8).containsExactly("data of x", "data of y", "data of z");
        assertThat(records).extracting(StreamRecord::subSequenceNumber).containsExactly(0L, 1L, 2L);
        assertThat(records).allMatch(StreamRecord::aggregated);
        assertThat(records).extracting(StreamRecord::sequenceNumber).containsOnly(records.get(0).sequenceNumber());
    }

    @Test
    void aRecordWithoutPartitionKeyIsRefusedNamingTheStream() {
        assertThatThrownBy(() -> kinesis.produce("some-stream").record("", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Stream 'some-stream'").hasMessageContaining("partition key");
    }
}
