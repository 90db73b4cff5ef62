package io.smallrye.reactive.messaging.kinesis.inspect;

/**
 * What an incoming channel's reader of one shard shows at one moment, for tools (the Dev UI): made on the channel's
 * context, immutable afterwards.
 *
 * @param stream the stream of the shard, as configured (a name or an ARN)
 * @param shardId the shard read
 * @param state what the reader does: {@code positioning} (no shard iterator yet), {@code reading}, {@code retrying}
 *        (failures in a row, see {@code problem}), {@code closed} (the shard ended; what was fetched is delivered),
 *        {@code stopped}
 * @param lastFetched the position (sequence number, then {@code /sub-sequence} for a user record of an aggregated
 *        record) of the last record fetched; null before the first one
 * @param completed the position up to which every fetched record was acked or nacked (what the next checkpoint
 *        saves); null before the first one and without a checkpoint
 * @param millisBehindLatest how far behind the tip of the shard the last GetRecords answer was, in milliseconds; -1
 *        before the first answer
 * @param fetchedRecords user records fetched since the reader started
 * @param getRecordsCalls GetRecords calls made since the reader started (answered or not)
 * @param pendingRecords records emitted and not acked or nacked yet
 * @param problem the failures in a row, when reading is not going well; null otherwise
 */
public record ShardSnapshot(String stream, String shardId, String state, String lastFetched, String completed,
        long millisBehindLatest, long fetchedRecords, long getRecordsCalls, int pendingRecords, String problem) {
}
