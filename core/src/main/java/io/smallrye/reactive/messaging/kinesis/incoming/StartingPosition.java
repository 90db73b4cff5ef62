package io.smallrye.reactive.messaging.kinesis.incoming;

/**
 * Where a channel starts reading the shards that exist when it starts and that have no checkpoint.
 */
public enum StartingPosition {
    /** Records written after the channel started. Shards created later (resharding) are read from their start. */
    LATEST,
    /** The oldest records still in the stream, parents before children. */
    TRIM_HORIZON,
    /** Records written at or after {@code starting-timestamp}, parents before children. */
    AT_TIMESTAMP
}
