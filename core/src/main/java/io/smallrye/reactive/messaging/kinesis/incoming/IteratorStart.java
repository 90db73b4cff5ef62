package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Instant;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;

/**
 * Where a shard iterator starts. Resuming after a position asks for an iterator {@code AT_SEQUENCE_NUMBER} of it and
 * skips what is not after it ({@link #skips(ShardPosition)}): that also resumes inside an aggregated record, whose
 * user records share one sequence number.
 *
 * @param type the iterator type
 * @param after for {@code AT_SEQUENCE_NUMBER}: the last position already fetched or processed
 * @param timestamp for {@code AT_TIMESTAMP}
 */
record IteratorStart(ShardIteratorType type, ShardPosition after, Instant timestamp) {

    static IteratorStart latest() {
        return new IteratorStart(ShardIteratorType.LATEST, null, null);
    }

    static IteratorStart trimHorizon() {
        return new IteratorStart(ShardIteratorType.TRIM_HORIZON, null, null);
    }

    static IteratorStart atTimestamp(Instant timestamp) {
        return new IteratorStart(ShardIteratorType.AT_TIMESTAMP, null, timestamp);
    }

    static IteratorStart after(ShardPosition position) {
        return new IteratorStart(ShardIteratorType.AT_SEQUENCE_NUMBER, position, null);
    }

    /** Whether a fetched record at {@code position} was already seen and must be dropped. */
    boolean skips(ShardPosition position) {
        return after != null && position.compareTo(after) <= 0;
    }

    void applyTo(GetShardIteratorRequest.Builder request) {
        request.shardIteratorType(type);
        if (after != null) {
            request.startingSequenceNumber(after.sequenceNumberAsString());
        }
        if (timestamp != null) {
            request.timestamp(timestamp);
        }
    }

    /** The same start for SubscribeToShard (enhanced fan-out). */
    StartingPosition toStartingPosition() {
        StartingPosition.Builder position = StartingPosition.builder().type(type);
        if (after != null) {
            position.sequenceNumber(after.sequenceNumberAsString());
        }
        if (timestamp != null) {
            position.timestamp(timestamp);
        }
        return position.build();
    }

    @Override
    public String toString() {
        if (after != null) {
            return "after " + after;
        }
        return timestamp != null ? type + " " + timestamp : type.toString();
    }
}
