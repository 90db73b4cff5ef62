package io.smallrye.reactive.messaging.kinesis.metrics;

/**
 * What the channels count, for a metrics library the host provides as a CDI bean of this type (the Quarkus extension
 * does, with Micrometer, when it is present). Without one, nothing is recorded. Called on I/O threads: implementations
 * must be quick and thread-safe.
 */
public interface KinesisMetrics {

    /** Outcomes of {@link #subscriptionAnswered}. */
    String OPENED = "opened";
    String RENEWED = "renewed";
    String FAILED = "failed";

    /** Records nothing. */
    KinesisMetrics NONE = new KinesisMetrics() {
    };

    /**
     * A PutRecords request was answered (or failed as a whole).
     *
     * @param entries the entries of the request (its batch size)
     * @param latencyNanos from sending the request to its answer
     * @param requestFailed whether the whole request failed (no per-entry results)
     */
    default void putRecordsAnswered(String channel, String stream, int entries, long latencyNanos,
            boolean requestFailed) {
    }

    /** Messages Kinesis stored, and their bytes (data plus partition key). */
    default void recordsSent(String channel, String stream, int records, long bytes) {
    }

    /**
     * Messages refused and queued again ({@code records}, may be 0), and the refusals of this answer because of the
     * shard's throughput limit ({@code throttled}, whether retried or given up).
     */
    default void recordsRetried(String channel, String stream, int records, int throttled) {
    }

    /** Messages given up on (nacked) after a refusal. */
    default void recordsFailed(String channel, String stream, int records) {
    }

    /** A GetRecords call of a shard's reader was answered, or failed ({@code failed}). */
    default void getRecordsAnswered(String channel, String stream, String shardId, boolean failed) {
    }

    /**
     * Records of a GetRecords answer, as stored (a KPL aggregated record counts once), and their data bytes.
     */
    default void recordsReceived(String channel, String stream, int records, long bytes) {
    }

    /** How far behind the tip of its shard a reader is, from its last GetRecords answer. */
    default void millisBehindLatest(String channel, String stream, String shardId, long millis) {
    }

    /**
     * The channel stopped reading the shard (every record of the closed shard processed, shard lost to another
     * consumer, channel stopped): what is kept per shard can go.
     */
    default void shardReadingStopped(String channel, String stream, String shardId) {
    }

    /** The checkpoint store saved a shard's position. */
    default void checkpointWritten(String channel, String stream, String shardId) {
    }

    /** An event of a shard's SubscribeToShard subscription (enhanced fan-out) arrived; empty events count too. */
    default void subscribeToShardEvent(String channel, String stream, String shardId) {
    }

    /**
     * A SubscribeToShard subscription of a shard's reader (enhanced fan-out) delivered its first event:
     * {@link #OPENED} (placed at a checkpoint or the starting position) or {@link #RENEWED} (after the previous one's
     * last event, every 5 minutes); or it failed: {@link #FAILED}.
     */
    default void subscriptionAnswered(String channel, String stream, String shardId, String outcome) {
    }
}
