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

    private IteratorStart initial;
    private IteratorStart start;
    /** Whether fetched records are compared with the start position: until the first one after it. */
    private boolean skipping;
    private RecordPosition lastFetched;
    private Instant latestRequestedAt;

    ShardCursor(IteratorStart initial) {
        this.initial = initial;
        this.start = initial;
        this.skipping = initial.after() != null;
    }

    /** The position of the last record fetched, as text; null before the first one. */
    String lastFetched() {
        return lastFetched == null ? null : lastFetched.toString();
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
        return fetched(RecordPosition.of(position));
    }

    /**
     * Whether a fetched record is new (and then the last fetched one), or was already fetched before. Records come in
     * shard order: once one is new, so are the next ones, and their positions need not be parsed.
     */
    boolean fetched(RecordPosition position) {
        if (skipping) {
            if (start.skips(position.shardPosition())) {
                return false;
            }
            skipping = false;
        }
        lastFetched = position;
        return true;
    }

    /**
     * The position the reader stands at no longer exists (lost-position-strategy): reading starts again at
     * {@code restart}, as if the reader had just started there; what was fetched before no longer counts, so a later
     * expired iterator does not lead back to the lost position.
     */
    void reset(IteratorStart restart) {
        initial = restart;
        start = restart;
        lastFetched = null;
        latestRequestedAt = null;
        skipping = false;
    }

    /** The iterator expired (or the shard was not found for a while): returns where the next one starts. */
    IteratorStart expired() {
        if (lastFetched != null) {
            start = IteratorStart.after(lastFetched.shardPosition());
        } else if (initial.type() == ShardIteratorType.LATEST && latestRequestedAt != null) {
            // a new LATEST iterator would skip what arrived since the first one: read from when that one was asked
            start = IteratorStart.atTimestamp(latestRequestedAt);
        } else {
            start = initial;
        }
        skipping = start.after() != null;
        return start;
    }
}
