package io.smallrye.reactive.messaging.kinesis.incoming;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * A record fetched by a {@link ShardReader}, on its way to becoming a message.
 *
 * @param progress the progress of the record's shard
 * @param delivery what the message completes when acked, or nacked and handled
 * @param record the record as Kinesis returned it
 * @param millisBehindLatest how far behind the shard's tip the page holding the record was
 */
record ReceivedRecord(ShardProgress progress, ShardProgress.Delivery delivery, Record record, long millisBehindLatest) {

    String shardId() {
        return progress.shardId();
    }

    ShardPosition position() {
        return delivery.position();
    }

    void complete() {
        progress.complete(delivery);
    }
}
