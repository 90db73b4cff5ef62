package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.List;

/**
 * Fills one PutRecords request from records offered in emission order, within the request limits and the ordering
 * rule, and turns them into request entries.
 */
interface BatchPacker {

    enum Offer {
        /** The record is in the request. */
        TAKEN,
        /** The record cannot go in this request, but others may: later records of its key must wait too. */
        HOLD_BACK,
        /** The request is full. */
        FULL
    }

    Offer offer(PendingRecord record);

    /**
     * Whether a key that gave this request a record is closed to it: every later record of the key would be held back,
     * so the caller need not offer them.
     */
    default boolean oneRecordPerKey() {
        return false;
    }

    /**
     * The entries of the request, in the order they are sent. Records offered and taken but in none of them stay
     * waiting (a partial aggregated record kept to be filled).
     */
    List<RequestEntry> finish();
}
