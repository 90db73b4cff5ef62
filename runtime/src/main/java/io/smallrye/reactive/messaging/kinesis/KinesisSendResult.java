package io.smallrye.reactive.messaging.kinesis;

/**
 * Where Kinesis stored a record: set on a message's
 * {@link io.smallrye.reactive.messaging.OutgoingMessageMetadata} before the message is acked.
 *
 * @param stream the stream name (or ARN) the record was written to
 * @param shardId the shard that stored the record
 * @param sequenceNumber the record's sequence number in that shard
 */
public record KinesisSendResult(String stream, String shardId, String sequenceNumber) {
}
