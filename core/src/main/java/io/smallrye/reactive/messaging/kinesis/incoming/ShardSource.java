package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.List;

import software.amazon.awssdk.services.kinesis.model.ChildShard;

/**
 * Where a {@link ShardReader} gets the pages of records of its shard: GetRecords calls ({@link ShardFetcher}, polling)
 * or the events of a SubscribeToShard subscription ({@link ShardSubscription}, enhanced fan-out). The reader decides
 * when the next page may come ({@link #fetch}: downstream demand and room under max-pending-records); the source puts
 * the page's records into the shard's {@link FetchedRecords} and answers. Everything else (de-aggregation, positions,
 * checkpoints, pending bound, batches) is the reader's and is shared. Channel context only.
 */
interface ShardSource {

    /** What an answer means for the reader; on the channel context. */
    interface Answers {
        /** A page arrived (records buffered), or a failure was noted and its backoff set: the reader may go on. */
        void answered();

        /** The shard is closed (no next position); Kinesis named these children, or none. */
        void shardClosed(List<ChildShard> children);

        /** A failure retrying cannot fix: the reader stops. */
        void failed(Throwable failure);

        /** The position no longer exists and the lost-position-strategy is fail: the reader stops. */
        void positionLost(String position, Throwable failure);
    }

    /** Makes the source of one shard, given the reader's cursor and buffer. */
    @FunctionalInterface
    interface Factory {
        /** @param statusChanged runs when what health shows of the shard changed (a problem, positioned) */
        ShardSource create(String shardId, ShardCursor cursor, FetchedRecords buffer, Runnable statusChanged);
    }

    void answerTo(Answers answers);

    /** Whether a page was asked for and has not come yet. */
    boolean inFlight();

    /** Nanoseconds to wait before the next page may be asked for; 0 when it may be asked for now. */
    long delayNanos(long now);

    /** Asks for the next page, for about {@code room} user records. */
    void fetch(long now, int room);

    /** No more pages; an answer under way is dropped. */
    void stop();

    /** Whether the source is positioned: from then on, what is written to the shard will be read. */
    boolean positioned();

    /** A description of the failures in a row, when reading is not going well; null otherwise. */
    String problem();

    /** Whether Kinesis answered the last call that the shard or its stream does not exist. */
    boolean missing();

    /** Pages asked for since the start: GetRecords calls, or SubscribeToShard events. */
    long calls();

    /** The millisBehindLatest of the last page; -1 before the first one. */
    long millisBehindLatest();

    /** The position of the last record fetched; null before the first one. */
    String lastFetched();
}
