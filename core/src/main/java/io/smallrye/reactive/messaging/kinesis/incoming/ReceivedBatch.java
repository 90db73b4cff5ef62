package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.List;

/**
 * The records of one GetRecords page of one shard (user records of aggregated records one by one), emitted together
 * with {@code batch=true}: at most the room left under max-pending-records, so a page larger than that room is
 * emitted as several batches.
 *
 * @param records in shard order, never empty; each is pending in the shard's progress until its message completes
 */
record ReceivedBatch(List<ReceivedRecord> records) implements Received {
}
