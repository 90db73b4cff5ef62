package io.quarkiverse.messaging.kinesis.runtime.devui;

import java.util.List;

import io.smallrye.reactive.messaging.kinesis.inspect.LeaseItem;

/**
 * What the Dev UI pages get from {@link KinesisDevUiService}, as JSON. A call that failed answers a view whose
 * {@code error} is one line (the AWS error code, message and causes); the page shows it.
 */
public final class DevUiViews {

    private DevUiViews() {
    }

    /**
     * A stream used by channels: DescribeStreamSummary and ListShards.
     *
     * @param channels the channels using it, each as {@code name (incoming|outgoing)}
     * @param openShards the shards still open (the stream's shard count)
     * @param retentionHours how long records are kept, in hours
     * @param encryption NONE or KMS (with the key id)
     */
    public record StreamView(String stream, List<String> channels, String status, int openShards,
            Integer retentionHours, String encryption, String arn, List<ShardView> shards, String error) {

        static StreamView failed(String stream, List<String> channels, String error) {
            return new StreamView(stream, channels, null, 0, null, null, null, List.of(), error);
        }
    }

    /**
     * A shard of a stream. {@code children} are the shards whose parent (or adjacent parent) it is, among the listed
     * ones.
     */
    public record ShardView(String shardId, boolean open, String startingHashKey, String endingHashKey,
            String parent, String adjacentParent, List<String> children, String startingSequenceNumber,
            String endingSequenceNumber) {
    }

    /**
     * An incoming channel and its readers; with checkpoint-store=dynamodb, the lease table's items.
     *
     * @param leases the lease table's items; null without a lease table
     * @param leaseError why the lease table could not be read; null otherwise
     */
    public record ConsumerView(String channel, String stream, String state, String problem,
            List<ConsumerShardView> shards, List<LeaseItem> leases, String leaseError, String error) {
    }

    /**
     * A shard's reader ({@code stream}: the stream of the shard, as configured). The rates are averages since the previous look
     * at the channel (a page refresh), per second;
     * null at the first look.
     */
    public record ConsumerShardView(String shardId, String state, String lastFetched, String completed,
            long millisBehindLatest, long fetchedRecords, int pendingRecords, Double recordsPerSecond,
            Double getRecordsPerSecond, String problem, String stream) {
    }

    /**
     * The latest records of a shard.
     *
     * @param window what was read to find them: {@code the last minute}, {@code the last 10 minutes}, {@code the last
     *        hour}, {@code the last day} or {@code the whole shard (from its oldest record)}
     * @param scannedRecords the Kinesis records read in that window
     * @param complete whether the tip of the shard was reached (otherwise the records are the latest of those scanned)
     */
    public record PeekView(String stream, String shardId, String window, int scannedRecords, boolean complete,
            List<PeekedRecord> records, String error) {
    }

    /**
     * A user record: a plain record, or one of the user records of a KPL aggregated record ({@code aggregated}).
     *
     * @param text the data decoded as UTF-8 (invalid bytes replaced); the page shows it as text or as JSON
     * @param hex the data in hexadecimal, at most {@link RecordPeek#HEX_BYTES} bytes of it
     */
    public record PeekedRecord(String sequenceNumber, long subSequenceNumber, String partitionKey, String arrival,
            boolean aggregated, int size, String text, String hex) {
    }

    /** Where Kinesis stored a record published from the page. */
    public record PublishView(String stream, String shardId, String sequenceNumber, String error) {
    }
}
