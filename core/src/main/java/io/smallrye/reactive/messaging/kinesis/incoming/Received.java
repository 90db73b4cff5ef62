package io.smallrye.reactive.messaging.kinesis.incoming;

/**
 * What a {@link ShardReader} emits: one record ({@link ReceivedRecord}), or with {@code batch=true} the records of one
 * GetRecords page ({@link ReceivedBatch}).
 */
sealed interface Received permits ReceivedRecord, ReceivedBatch {
}
