package io.smallrye.reactive.messaging.kinesis.incoming;

/**
 * What a shard's reader does when the position it resumes from no longer exists in the shard (the stream was deleted
 * and recreated, or the records were trimmed past the retention period): attribute {@code lost-position-strategy}.
 */
public enum LostPositionStrategy {
    /** Read the shard again from its oldest record: records may be delivered again, none between is skipped. */
    TRIM_HORIZON,
    /** Read the shard from its newest record on: records written between the lost position and now are skipped. */
    LATEST,
    /** The channel fails, naming the shard, the position and the stream. */
    FAIL;

    /** Where the reader goes on, for the log line. */
    String meaning() {
        return switch (this) {
            case TRIM_HORIZON ->
                "reading the shard again from its oldest record; records processed before may be delivered again";
            case LATEST ->
                "reading the shard from its newest record on; records written since the lost position may have been skipped";
            case FAIL -> "the channel stops";
        };
    }
}
