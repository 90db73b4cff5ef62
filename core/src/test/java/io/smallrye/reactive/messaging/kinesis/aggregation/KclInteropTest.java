package io.smallrye.reactive.messaging.kinesis.aggregation;

import static io.smallrye.reactive.messaging.kinesis.aggregation.DeaggregatorTest.assertUnpacked;
import static io.smallrye.reactive.messaging.kinesis.aggregation.DeaggregatorTest.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.smallrye.reactive.messaging.kinesis.aggregation.RandomRecords.Input;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.Messages;

/**
 * Interoperability with the KCL 3.1.1, an implementation of the KPL aggregation format we did not write: it unpacks
 * what our writer packs, and our de-aggregator unpacks what its own generated protobuf classes encode.
 */
class KclInteropTest {

    static final String SEQUENCE_NUMBER = "49590338271490256608559692538361571095921575989136588898";

    static KinesisClientRecord kclRecord(PackedRecord packed) {
        return KinesisClientRecord.builder()
                .sequenceNumber(SEQUENCE_NUMBER)
                .approximateArrivalTimestamp(Instant.now())
                .partitionKey(packed.partitionKey())
                .explicitHashKey(packed.explicitHashKey())
                .data(ByteBuffer.wrap(packed.data().asByteArray()))
                .build();
    }

    static void assertKclUnpacked(List<KinesisClientRecord> unpacked, List<Input> inputs) {
        assertThat(unpacked).hasSize(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            KinesisClientRecord record = unpacked.get(i);
            Input input = inputs.get(i);
            assertThat(record.aggregated()).isTrue();
            assertThat(record.sequenceNumber()).isEqualTo(SEQUENCE_NUMBER);
            assertThat(record.subSequenceNumber()).isEqualTo(i);
            assertThat(record.partitionKey()).isEqualTo(input.partitionKey());
            assertThat(record.explicitHashKey()).isEqualTo(input.explicitHashKey());
            assertThat(SdkBytes.fromByteBuffer(record.data()).asByteArray()).isEqualTo(input.data());
        }
    }

    @Test
    void kclUnpacksWhatOurWriterPacks() {
        AggregatorUtil kcl = new AggregatorUtil();
        RandomRecords.withSeed(random -> {
            RandomRecords records = new RandomRecords(random);
            for (int round = 0; round < 300; round++) {
                int count = 2 + random.nextInt(round % 10 == 0 ? 500 : 20);
                List<Input> inputs = records.list(count, random.nextBoolean() ? 16 : 2_000);
                AggregatedRecordWriter writer = new AggregatedRecordWriter(Integer.MAX_VALUE);
                inputs.forEach(in -> writer.tryAdd(in.partitionKey(), in.explicitHashKey(), in.sdkBytes()));
                PackedRecord packed = writer.build();

                assertKclUnpacked(kcl.deaggregate(List.of(kclRecord(packed))), inputs);
            }
        });
    }

    /**
     * Records of one shard of four, packed by our writer, pass the KCL's own check against the shard's range: it
     * drops the whole aggregated record if one user record falls outside, so this also checks our hash keys and shard
     * map against the KCL's. The outer record's explicit hash key routes it into the same shard.
     */
    @Test
    void kclAcceptsOurShardGroupingAgainstTheShardRange() {
        AggregatorUtil kcl = new AggregatorUtil();
        ShardMap map = ShardMap.fromShards(ShardMapTest.fourShards());
        RandomRecords.withSeed(random -> {
            RandomRecords records = new RandomRecords(random);
            Map<String, List<Input>> byShard = new LinkedHashMap<>();
            for (Input input : records.list(2_000, 32)) {
                byShard.computeIfAbsent(map.shardFor(input.partitionKey(), input.explicitHashKey()),
                        k -> new ArrayList<>()).add(input);
            }
            assertThat(byShard).hasSize(4);
            for (Map.Entry<String, List<Input>> shard : byShard.entrySet()) {
                HashRange range = map.rangeOf(shard.getKey());
                AggregatedRecordWriter writer = new AggregatedRecordWriter(Integer.MAX_VALUE);
                shard.getValue().forEach(in -> writer.tryAdd(in.partitionKey(), in.explicitHashKey(), in.sdkBytes()));
                PackedRecord packed = writer.build();

                assertThat(map.shardFor(HashKeys.parseExplicit(packed.explicitHashKey()))).isEqualTo(shard.getKey());
                assertKclUnpacked(kcl.deaggregate(List.of(kclRecord(packed)), range.start().toString(),
                        range.end().toString()), shard.getValue());
                Deaggregated ours = Deaggregator.deaggregate(packed.data());
                assertThat(ours.outsideOf(range)).isEmpty();
            }
            // and the KCL's range check is real: another shard's range drops the whole aggregated record
            Map.Entry<String, List<Input>> first = byShard.entrySet().iterator().next();
            AggregatedRecordWriter writer = new AggregatedRecordWriter(Integer.MAX_VALUE);
            first.getValue().forEach(in -> writer.tryAdd(in.partitionKey(), in.explicitHashKey(), in.sdkBytes()));
            String otherShard = map.shardIds().stream().filter(id -> !id.equals(first.getKey())).findFirst().orElseThrow();
            HashRange other = map.rangeOf(otherShard);
            assertThat(kcl.deaggregate(List.of(kclRecord(writer.build())), other.start().toString(),
                    other.end().toString())).isEmpty();
        });
    }

    @Test
    void weUnpackWhatTheKclsProtobufClassesEncode() {
        RandomRecords.withSeed(random -> {
            RandomRecords records = new RandomRecords(random);
            for (int round = 0; round < 300; round++) {
                List<Input> inputs = records.list(1 + random.nextInt(round % 10 == 0 ? 500 : 20), 2_000);
                Messages.AggregatedRecord.Builder aggregated = Messages.AggregatedRecord.newBuilder();
                // a table built independently of our writer's: keys in random order, some unused, tags on records
                List<String> keys = new ArrayList<>();
                List<String> hashKeys = new ArrayList<>();
                for (Input input : inputs) {
                    Messages.Record.Builder record = Messages.Record.newBuilder()
                            .setPartitionKeyIndex(indexIn(keys, input.partitionKey(), random.nextBoolean()))
                            .setData(ByteString.copyFrom(input.data()));
                    if (input.explicitHashKey() != null) {
                        record.setExplicitHashKeyIndex(indexIn(hashKeys, input.explicitHashKey(), random.nextBoolean()));
                    }
                    if (random.nextInt(4) == 0) {
                        record.addTags(Messages.Tag.newBuilder().setKey("tag").setValue("v").build());
                    }
                    aggregated.addRecords(record);
                }
                keys.add("unused key");
                aggregated.addAllPartitionKeyTable(keys).addAllExplicitHashKeyTable(hashKeys);
                byte[] data = wrap(aggregated.build().toByteArray());

                assertUnpacked(Deaggregator.deaggregate(SdkBytes.fromByteArrayUnsafe(data)), inputs);
            }
        });
    }

    /** Index of the key in the table, adding it; reuses an existing entry or, if not, adds a duplicate. */
    private static int indexIn(List<String> table, String key, boolean reuse) {
        int index = table.indexOf(key);
        if (index >= 0 && reuse) {
            return index;
        }
        table.add(key);
        return table.size() - 1;
    }

    /**
     * The same records, mutated and given a fresh digest, through the KCL and through us. Whenever we unpack, the KCL
     * unpacks the same user records; whenever the KCL rejects the record or fails, we report it raw. We may be
     * stricter: for what the KCL accepts and we do not, our reason must be a protobuf problem the KCL overlooks.
     */
    @Test
    void agreesWithTheKclOnMutatedContainers() {
        AggregatorUtil kcl = new AggregatorUtil();
        RandomRecords.withSeed(random -> {
            int bothUnpacked = 0;
            int bothRaw = 0;
            int onlyKcl = 0;
            for (int round = 0; round < 5_000; round++) {
                List<Input> inputs = new RandomRecords(random).list(2 + random.nextInt(3), 6);
                byte[] bytes = DeaggregatorTest.container(inputs);
                byte[] protobuf = java.util.Arrays.copyOfRange(bytes, 4, bytes.length - 16);
                for (int n = random.nextInt(2); n >= 0; n--) {
                    protobuf[random.nextInt(protobuf.length)] = (byte) random.nextInt(256);
                }
                byte[] data = wrap(protobuf);

                Deaggregated ours = Deaggregator.deaggregate(SdkBytes.fromByteArrayUnsafe(data));
                List<KinesisClientRecord> theirs;
                try {
                    theirs = kcl.deaggregate(List.of(KinesisClientRecord.builder().sequenceNumber(SEQUENCE_NUMBER)
                            .partitionKey("outer").data(ByteBuffer.wrap(data)).build()));
                } catch (Throwable t) {
                    // e.g. an index out of its table: the KCL logs the record with javax.xml.bind, absent here
                    theirs = null;
                }
                boolean kclUnpacked = theirs != null && !theirs.isEmpty() && theirs.get(0).aggregated();
                if (ours.aggregated()) {
                    assertThat(kclUnpacked).as("KCL unpacks what we unpack: %s", ours).isTrue();
                    assertThat(theirs).hasSameSizeAs(ours.records());
                    for (int i = 0; i < theirs.size(); i++) {
                        SubRecord record = ours.records().get(i);
                        assertThat(theirs.get(i).partitionKey()).isEqualTo(record.partitionKey());
                        assertThat(theirs.get(i).explicitHashKey()).isEqualTo(record.explicitHashKey());
                        assertThat(theirs.get(i).subSequenceNumber()).isEqualTo(record.subSequenceNumber());
                        assertThat(SdkBytes.fromByteBuffer(theirs.get(i).data()).asByteArray())
                                .isEqualTo(record.dataAsBytes());
                    }
                    bothUnpacked++;
                } else if (!kclUnpacked) {
                    bothRaw++;
                } else {
                    // the KCL casts a 64-bit index to int, accepts an empty aggregated record (delivering nothing),
                    // and stops at a stray end-group tag
                    assertThat(ours.rawReason()).as("%s", ours).isIn(RawReason.BAD_PROTOBUF, RawReason.NO_USER_RECORDS);
                    onlyKcl++;
                }
            }
            System.out.printf("Mutated containers: %d unpacked by both, %d raw for both, %d unpacked by the KCL only%n",
                    bothUnpacked, bothRaw, onlyKcl);
            assertThat(bothUnpacked).isPositive();
            assertThat(bothRaw).isPositive();
        });
    }
}
