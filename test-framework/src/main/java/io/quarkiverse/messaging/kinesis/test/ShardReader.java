package io.quarkiverse.messaging.kinesis.test;

import java.util.List;

import io.smallrye.reactive.messaging.kinesis.aggregation.Deaggregated;
import io.smallrye.reactive.messaging.kinesis.aggregation.Deaggregator;
import io.smallrye.reactive.messaging.kinesis.aggregation.SubRecord;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Reads one shard from a position with GetRecords, unpacking aggregated records. */
final class ShardReader {

    private final KinesisClient client;
    private final String shardId;
    private String iterator;
    private boolean caughtUp;

    ShardReader(KinesisClient client, String stream, String shardId, ShardIteratorType position) {
        this.client = client;
        this.shardId = shardId;
        this.iterator = client.getShardIterator(r -> r.streamName(stream).shardId(shardId).shardIteratorType(position))
                .shardIterator();
    }

    /** Reads one page into {@code into}; {@link #caughtUp()} tells whether the shard had nothing more. */
    void readPage(List<StreamRecord> into) {
        if (iterator == null) {
            caughtUp = true;
            return;
        }
        String current = iterator;
        GetRecordsResponse page = client.getRecords(r -> r.shardIterator(current).limit(10_000));
        page.records().forEach(record -> unpack(record, into));
        iterator = page.nextShardIterator();
        Long behind = page.millisBehindLatest();
        caughtUp = iterator == null || page.records().isEmpty() && (behind == null || behind == 0);
    }

    /** Whether the last page was empty and at the tip of the shard (or the shard is closed and read). */
    boolean caughtUp() {
        return caughtUp;
    }

    String shardId() {
        return shardId;
    }

    private void unpack(Record record, List<StreamRecord> into) {
        Deaggregated unpacked = Deaggregator.deaggregate(record.data());
        if (!unpacked.aggregated()) {
            into.add(new StreamRecord(shardId, record.sequenceNumber(), 0, false, record.partitionKey(),
                    record.data().asByteArray(), record.approximateArrivalTimestamp()));
            return;
        }
        for (SubRecord sub : unpacked.records()) {
            into.add(new StreamRecord(shardId, record.sequenceNumber(), sub.subSequenceNumber(), true,
                    sub.partitionKey(), sub.dataAsBytes(), record.approximateArrivalTimestamp()));
        }
    }
}
