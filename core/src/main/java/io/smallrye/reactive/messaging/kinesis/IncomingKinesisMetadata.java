package io.smallrye.reactive.messaging.kinesis;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;

/**
 * Metadata of a message read from Kinesis: where its record comes from and when it arrived.
 */
public final class IncomingKinesisMetadata {

    private final String stream;
    private final String shardId;
    private final String sequenceNumber;
    private final long subSequenceNumber;
    private final String partitionKey;
    private final String explicitHashKey;
    private final Instant approximateArrivalTimestamp;
    private final long millisBehindLatest;

    public IncomingKinesisMetadata(String stream, String shardId, String sequenceNumber, long subSequenceNumber,
            String partitionKey, String explicitHashKey, Instant approximateArrivalTimestamp, long millisBehindLatest) {
        this.stream = stream;
        this.shardId = shardId;
        this.sequenceNumber = sequenceNumber;
        this.subSequenceNumber = subSequenceNumber;
        this.partitionKey = partitionKey;
        this.explicitHashKey = explicitHashKey;
        this.approximateArrivalTimestamp = approximateArrivalTimestamp;
        this.millisBehindLatest = millisBehindLatest;
    }

    /** The stream, as the channel names it (name or ARN). */
    public String getStream() {
        return stream;
    }

    public String getShardId() {
        return shardId;
    }

    /** The record's sequence number, a decimal integer of up to 128 bits. */
    public String getSequenceNumber() {
        return sequenceNumber;
    }

    /** The index of the user record within an aggregated (KPL) record; 0 for a plain record. */
    public long getSubSequenceNumber() {
        return subSequenceNumber;
    }

    /** Sequence and sub-sequence number together, ordered as in the shard. */
    public ShardPosition getPosition() {
        return new ShardPosition(new BigInteger(sequenceNumber), subSequenceNumber);
    }

    public String getPartitionKey() {
        return partitionKey;
    }

    /**
     * The explicit hash key the producer gave, if known. Kinesis does not return it for plain records; user records
     * of an aggregated record carry it.
     */
    public Optional<String> getExplicitHashKey() {
        return Optional.ofNullable(explicitHashKey);
    }

    /** When Kinesis received the record (approximately). */
    public Instant getApproximateArrivalTimestamp() {
        return approximateArrivalTimestamp;
    }

    /** How far behind the tip of its shard the reader was when it fetched the record, in milliseconds. */
    public long getMillisBehindLatest() {
        return millisBehindLatest;
    }

    @Override
    public String toString() {
        return "IncomingKinesisMetadata{stream=" + stream + ", shardId=" + shardId + ", sequenceNumber="
                + sequenceNumber + ", subSequenceNumber=" + subSequenceNumber + ", partitionKey=" + partitionKey
                + ", explicitHashKey=" + explicitHashKey + ", approximateArrivalTimestamp="
                + approximateArrivalTimestamp + ", millisBehindLatest=" + millisBehindLatest + "}";
    }
}
