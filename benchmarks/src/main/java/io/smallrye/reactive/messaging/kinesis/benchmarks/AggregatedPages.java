package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.smallrye.reactive.messaging.kinesis.aggregation.AggregatedRecordWriter;
import io.smallrye.reactive.messaging.kinesis.aggregation.HashKeys;
import io.smallrye.reactive.messaging.kinesis.aggregation.HashRange;
import io.smallrye.reactive.messaging.kinesis.aggregation.PackedRecord;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * GetRecords pages of KPL aggregated records, as a KPL (or the connector's outgoing channel with aggregation) would
 * have stored them: user records packed by the project's {@link AggregatedRecordWriter} up to the KPL's default
 * aggregated record size, with partition keys that really belong to the shard (so de-aggregation's shard check finds
 * nothing to report, as with real data).
 */
final class AggregatedPages {

    /** The KPL's default AggregationMaxSize, also the connector's aggregation-max-bytes default. */
    static final int AGGREGATED_RECORD_BYTES = 51_200;
    /** Distinct partition keys per shard. */
    private static final int KEYS = 100;
    private static final String SEQUENCE_PREFIX = "4959033827149025660855969253836157109592157598913658";

    private AggregatedPages() {
    }

    /** Aggregated records of the shard holding {@code userRecords} user records of {@code recordBytes} in all. */
    static List<Record> page(Shard shard, int userRecords, int recordBytes) {
        String[] keys = keysOf(HashRange.of(shard.hashKeyRange()));
        byte[] payload = new byte[recordBytes];
        ThreadLocalRandom.current().nextBytes(payload);
        SdkBytes data = SdkBytes.fromByteArrayUnsafe(payload);
        List<Record> records = new ArrayList<>();
        AggregatedRecordWriter writer = new AggregatedRecordWriter(AGGREGATED_RECORD_BYTES);
        for (int i = 0; i < userRecords; i++) {
            String key = keys[i % KEYS];
            if (!writer.tryAdd(key, null, data)) {
                records.add(record(writer.build(), records.size()));
                writer.reset();
                writer.tryAdd(key, null, data);
            }
        }
        records.add(record(writer.build(), records.size()));
        return records;
    }

    private static Record record(PackedRecord packed, int index) {
        return Record.builder()
                .partitionKey(packed.partitionKey())
                .sequenceNumber(SEQUENCE_PREFIX + String.format("%06d", index))
                .data(packed.data())
                .build();
    }

    private static String[] keysOf(HashRange range) {
        String[] keys = new String[KEYS];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int found = 0;
        while (found < KEYS) {
            String key = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
            BigInteger hash = HashKeys.ofPartitionKey(key);
            if (range.contains(hash)) {
                keys[found++] = key;
            }
        }
        return keys;
    }
}
