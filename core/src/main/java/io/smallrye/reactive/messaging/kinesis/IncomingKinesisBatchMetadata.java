package io.smallrye.reactive.messaging.kinesis;

import java.util.List;

/**
 * Metadata of a batch message ({@code batch=true}): the records of one GetRecords page of one shard, in shard order.
 * {@link #getRecords()} gives each record's {@link IncomingKinesisMetadata} (partition key, sequence and sub-sequence
 * numbers, arrival time), in the order of the payload list.
 */
public final class IncomingKinesisBatchMetadata {

    private final String stream;
    private final String shardId;
    private final List<IncomingKinesisMetadata> records;

    public IncomingKinesisBatchMetadata(String stream, String shardId, List<IncomingKinesisMetadata> records) {
        this.stream = stream;
        this.shardId = shardId;
        this.records = List.copyOf(records);
    }

    /** The stream, as the channel names it (name or ARN). */
    public String getStream() {
        return stream;
    }

    /** The shard every record of the batch comes from. */
    public String getShardId() {
        return shardId;
    }

    /** The metadata of each record, in the order of the payload list. */
    public List<IncomingKinesisMetadata> getRecords() {
        return records;
    }

    /** The number of records in the batch. */
    public int size() {
        return records.size();
    }

    /** The metadata of the first record (the earliest in the shard). */
    public IncomingKinesisMetadata getFirst() {
        return records.get(0);
    }

    /** The metadata of the last record (the latest in the shard): the checkpoint moves past it once all are acked. */
    public IncomingKinesisMetadata getLast() {
        return records.get(records.size() - 1);
    }

    @Override
    public String toString() {
        return "IncomingKinesisBatchMetadata{stream=" + stream + ", shardId=" + shardId + ", records=" + records.size()
                + ", first=" + getFirst().getPosition() + ", last=" + getLast().getPosition() + "}";
    }
}
