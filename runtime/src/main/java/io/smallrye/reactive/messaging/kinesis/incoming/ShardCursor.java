package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Instant;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Where a shard's reader stands: where its next iterator starts, which fetched records to drop, and where to resume
 * when an iterator expires: after the last fetched record (fetched records are delivered, so nothing is lost or
 * repeated), or, with nothing fetched yet, where the first iterator pointed. Used on the channel context only.
 */
final class ShardCursor {

    private final IteratorStart initial;
    private IteratorStart start;
    private ShardPosition lastFetched;
    private Instant latestRequestedAt;

    ShardCursor(IteratorStart initial) {
        this.initial = initial;
        this.start = initial;
    }

    /** Where the iterator about to be requested starts. */
    IteratorStart iteratorRequested() {
        if (start.type() == ShardIteratorType.LATEST) {
            latestRequestedAt = Instant.now();
        }
        return start;
    }

    /** Whether a fetched record is new (and then the last fetched one), or was already fetched before. */
    boolean fetched(ShardPosition position) {
        if (start.skips(position)) {
            return false;
        }
        lastFetched = position;
        return true;
    }

    /** The iterator expired: returns where the next one starts. */
    IteratorStart expired() {
        if (lastFetched != null) {
            start = IteratorStart.after(lastFetched);
        } else if (initial.type() == ShardIteratorType.LATEST && latestRequestedAt != null) {
            // a new LATEST iterator would skip what arrived since the first one: read from when that one was asked
            start = IteratorStart.atTimestamp(latestRequestedAt);
        } else {
            start = initial;
        }
        return start;
    }
}
