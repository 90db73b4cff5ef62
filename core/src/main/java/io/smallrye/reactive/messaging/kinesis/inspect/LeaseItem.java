package io.smallrye.reactive.messaging.kinesis.inspect;

/**
 * One item of a DynamoDB lease table (checkpoint-store=dynamodb), for tools (the Dev UI).
 *
 * @param shardId the shard ({@code leaseKey})
 * @param owner the worker holding the lease; null when nobody does ({@code leaseOwner})
 * @param counter bumped by every write of the lease ({@code leaseCounter})
 * @param checkpoint a sequence number (then {@code /sub-sequence} for a user record), or TRIM_HORIZON, LATEST,
 *        AT_TIMESTAMP, SHARD_END ({@code checkpoint}, {@code checkpointSubSequenceNumber})
 */
public record LeaseItem(String shardId, String owner, long counter, String checkpoint) {
}
