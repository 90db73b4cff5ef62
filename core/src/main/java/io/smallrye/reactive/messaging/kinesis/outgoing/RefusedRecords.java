package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The waiting records of {@link PendingRecords} that Kinesis refused before: all of them by sequence (the oldest
 * waiting record may be one, and their backoffs decide when a retry is due), and those free of any other record
 * (unkeyed, or ordering {@code none}) apart until their backoff is over (keyed ones wait at the head of their key's
 * queue instead). Used on the channel's context only.
 */
final class RefusedRecords {

    private static final Comparator<PendingRecord> BY_RETRY_AT = (a, b) -> a.notBeforeNanos == b.notBeforeNanos
            ? Long.compare(a.sequence, b.sequence)
            : Long.signum(a.notBeforeNanos - b.notBeforeNanos);

    /** Every waiting record that was refused before, by sequence. */
    private final TreeMap<Long, PendingRecord> bySequence = new TreeMap<>();
    /** Records free of any other that wait for their backoff. */
    private final TreeSet<PendingRecord> looseBackingOff = new TreeSet<>(BY_RETRY_AT);

    /** A record starts waiting: counted if it was refused before. */
    void waiting(PendingRecord record) {
        if (record.attempts > 0) {
            bySequence.put(record.sequence, record);
        }
    }

    /** A record left for a request. */
    void left(PendingRecord record) {
        if (record.attempts > 0) {
            bySequence.remove(record.sequence);
        }
    }

    /** A refused record free of any other: it is ready once its backoff is over ({@link #pollLooseDue}). */
    void holdLoose(PendingRecord record) {
        looseBackingOff.add(record);
    }

    /** The next loose record whose backoff is over, in that order, or {@code null}. */
    PendingRecord pollLooseDue(long nowNanos) {
        return !looseBackingOff.isEmpty() && nowNanos - looseBackingOff.first().notBeforeNanos >= 0
                ? looseBackingOff.pollFirst()
                : null;
    }

    /** The waiting refused record emitted first, or {@code null}. */
    PendingRecord oldest() {
        return bySequence.isEmpty() ? null : bySequence.firstEntry().getValue();
    }

    /** Whether a refused record has waited out its backoff. */
    boolean retryDue(long nowNanos) {
        for (PendingRecord record : bySequence.values()) {
            if (nowNanos - record.notBeforeNanos >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The earliest end of a backoff still ahead of {@code nowNanos}, if any. */
    OptionalLong nextRetryAtNanos(long nowNanos) {
        boolean found = false;
        long earliest = 0;
        for (PendingRecord record : bySequence.values()) {
            long at = record.notBeforeNanos;
            if (at - nowNanos > 0 && (!found || at - earliest < 0)) {
                earliest = at;
                found = true;
            }
        }
        return found ? OptionalLong.of(earliest) : OptionalLong.empty();
    }

    /** Moves the loose records still backing off to {@code records} and forgets every refused record. */
    void drainLooseTo(List<PendingRecord> records) {
        records.addAll(looseBackingOff);
        looseBackingOff.clear();
        bySequence.clear();
    }
}
