package io.smallrye.reactive.messaging.kinesis;

/**
 * Where Kinesis stored a record: set on a message's
 * {@link io.smallrye.reactive.messaging.OutgoingMessageMetadata} before the message is acked.
 *
 * @param stream the stream name (or ARN) the record was written to
 * @param shardId the shard that stored the record
 * @param sequenceNumber the record's sequence number in that shard
 * @param subSequenceNumber the message's place in its aggregated record (KPL format), 0 for a plain record
 */
public record KinesisSendResult(String stream, String shardId, String sequenceNumber, long subSequenceNumber) {

    /** The result of a plain (not aggregated) record. */
    public KinesisSendResult(String stream, String shardId, String sequenceNumber) {
        this(stream, shardId, sequenceNumber, 0);
    }
}
