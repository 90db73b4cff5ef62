package io.smallrye.reactive.messaging.kinesis.incoming;

import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage;
import io.smallrye.reactive.messaging.kinesis.aggregation.SubRecord;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * A record fetched by a {@link ShardReader}, on its way to becoming a message: a plain Kinesis record, or one user
 * record of a KPL aggregated record.
 *
 * @param context the channel's context, where {@code progress} lives
 * @param progress the progress of the record's shard
 * @param delivery what the message completes when acked, or nacked and handled
 * @param record the record as Kinesis returned it (for a user record: the aggregated record holding it)
 * @param userRecord the user record, when {@code record} is an aggregated record; {@code null} for a plain record
 * @param millisBehindLatest how far behind the shard's tip the page holding the record was
 */
record ReceivedRecord(ChannelContext context, ShardProgress progress, ShardProgress.Delivery delivery, Record record,
        SubRecord userRecord,
        long millisBehindLatest) implements IncomingKinesisMessage.Source, Received {

    String shardId() {
        return progress.shardId();
    }

    /** The stream of the record's shard, as configured; null when unknown. */
    String stream() {
        return progress.stream();
    }

    long subSequenceNumber() {
        return delivery.subSequenceNumber();
    }

    String partitionKey() {
        return userRecord == null ? record.partitionKey() : userRecord.partitionKey();
    }

    /** The user record's explicit hash key; {@code null} for a plain record (Kinesis does not return it). */
    String explicitHashKey() {
        return userRecord == null ? null : userRecord.explicitHashKey();
    }

    /**
     * The data, copied into a new array: the only copy made between GetRecords and the message (a user record's data
     * is a view of the aggregated record's bytes until then).
     */
    byte[] payload() {
        return userRecord == null ? record.data().asByteArray() : userRecord.dataAsBytes();
    }

    /** The data as the SDK takes it: the record's own bytes, or a copy of the user record's. */
    @Override
    public SdkBytes data() {
        return userRecord == null ? record.data() : SdkBytes.fromByteBuffer(userRecord.data());
    }

    @Override
    public boolean onChannelContext() {
        return context.isCurrent();
    }

    /** Completes the delivery on the channel's context: at once when called there, else in a task hopped onto it. */
    @Override
    public void complete() {
        if (context.isCurrent()) {
            progress.complete(delivery);
        } else {
            context.submit(() -> progress.complete(delivery));
        }
    }
}
