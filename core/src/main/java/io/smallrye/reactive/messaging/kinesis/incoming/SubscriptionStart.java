package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.function.BiConsumer;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;

/**
 * Where the SubscribeToShard subscriptions of one shard start ({@link ShardSubscription}): the first where the
 * reader's {@link ShardCursor} says (the checkpoint, the starting position); each renewal after the last event's
 * {@code continuationSequenceNumber}, so nothing is skipped or delivered twice; a subscription that ended before any
 * event again where the cursor stands (after the last fetched record). A position that no longer exists (trimmed, the
 * stream deleted or recreated) is lost as polling loses it ({@link LostPositionStrategy}): logged once, and the cursor
 * moved, or the reader ended with lost-position-strategy {@code fail}.
 */
final class SubscriptionStart {

    private final ShardCursor cursor;
    private final LostPositionStrategy strategy;
    private final ReaderTrouble trouble;
    /** Called when the position is lost for good (strategy fail): the position and the failure that showed it. */
    private final BiConsumer<String, Throwable> lostForGood;
    /** After the last event: where a renewed subscription starts; null before the first event. */
    private String continuation;
    private boolean subscribedOnce;
    /** Where the current subscription started when the cursor placed it (not a continuation); else null. */
    private IteratorStart placedAt;
    /** The "not found" that showed the stream or shard gone while the reader stood at a position; else null. */
    private Throwable goneWith;

    SubscriptionStart(ShardCursor cursor, LostPositionStrategy strategy, ReaderTrouble trouble,
            BiConsumer<String, Throwable> lostForGood) {
        this.cursor = cursor;
        this.strategy = strategy;
        this.trouble = trouble;
        this.lostForGood = lostForGood;
    }

    /**
     * Where the next subscription starts; null when the stream was found gone and its position is lost for good
     * (then no subscription follows).
     */
    StartingPosition next() {
        StartingPosition from = position();
        if (goneWith != null) {
            // the stream (or shard) was found deleted: as polling does, its old position is lost
            Throwable gone = goneWith;
            goneWith = null;
            if (placedAt.after() != null) {
                if (!lose(placedAt, gone)) {
                    return null;
                }
                from = position();
            }
        }
        subscribedOnce = true;
        return from;
    }

    private StartingPosition position() {
        placedAt = null;
        if (continuation != null) {
            return StartingPosition.builder().type(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .sequenceNumber(continuation).build();
        }
        if (subscribedOnce) {
            cursor.expired(); // after the last fetched record, or where the first subscription started
        }
        placedAt = cursor.iteratorRequested();
        return placedAt.toStartingPosition();
    }

    /** Whether the current subscription was placed by the cursor (opened), not renewed after a continuation. */
    boolean placed() {
        return placedAt != null;
    }

    /** The current subscription's start, for the log. */
    String describe() {
        return placedAt != null ? placedAt.toString() : "after " + continuation;
    }

    /** An event came: the next subscription continues after it (null: the shard ended). */
    void continueAfter(String continuationSequenceNumber) {
        continuation = continuationSequenceNumber;
    }

    String continuation() {
        return continuation;
    }

    /** Where the next subscription would start: after the last event, else where the current one was placed. */
    IteratorStart retryFrom() {
        return continuation != null ? IteratorStart.after(ShardPosition.of(continuation)) : placedAt;
    }

    /** The stream or shard was found deleted (or recreated): the next subscription loses the old position. */
    void streamGone(Throwable failure) {
        continuation = null;
        goneWith = failure;
    }

    /**
     * The position a subscription starts at no longer exists: logs it once and moves the cursor where
     * lost-position-strategy says (returns true), or ends the reader (returns false).
     */
    boolean lose(IteratorStart from, Throwable failure) {
        String position = from.after().toString();
        trouble.positionLost(position, failure, strategy);
        if (strategy == LostPositionStrategy.FAIL) {
            lostForGood.accept(position, failure);
            return false;
        }
        cursor.reset(strategy == LostPositionStrategy.TRIM_HORIZON ? IteratorStart.trimHorizon()
                : IteratorStart.latest());
        continuation = null;
        subscribedOnce = false; // the next subscription starts where the cursor now stands
        placedAt = null;
        return true;
    }
}
