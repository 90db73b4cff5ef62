package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The emission-order walk over every waiting record that {@link PendingRecords} replaced, kept as the reference its
 * behaviour is compared with ({@link PendingRecordsMatchTheEmissionOrderWalkTest}).
 * <p>
 * The records waiting to be sent, in emission order, and the choice of the next batch under the ordering rule.
 * Retried records go back to their place in emission order and, while they wait for their backoff, hold back the
 * later records of their partition key. A single-threaded state machine: used on the channel's context only (see
 * {@link SendLoop}).
 */
final class ScanningPendingRecords {

    private final Ordering ordering;
    /** Records that fill a request: max-batch-records, or unbounded when aggregating (bytes fill it first). */
    private final int recordsToFill;
    private final long maxBatchBytes;

    private final TreeMap<Long, PendingRecord> waiting = new TreeMap<>();
    private final Set<PendingRecord> backingOff = new HashSet<>();
    /** Order keys with records in requests under way, with their count. */
    private final Map<String, Integer> inFlightKeys = new HashMap<>();
    /**
     * Order keys with records that were due (a request was being filled) but had to wait for an earlier record of
     * their key: they are due as soon as that one lands, whatever buffer-time says.
     */
    private final Set<String> dueBehindKey = new HashSet<>();
    /** A key of {@link #dueBehindKey} landed since the last batch: its waiting records are due. */
    private boolean dueKeyLanded;
    /** Waiting records per order key (ordering strict or relaxed). */
    private final Map<String, Integer> waitingKeys = new HashMap<>();
    /** Order keys of {@link #waitingKeys} not in {@link #inFlightKeys}: while 0, no keyed record can be taken. */
    private int freeWaitingKeys;
    private int unkeyedWaiting;
    private long waitingBytes;

    ScanningPendingRecords(Ordering ordering, int recordsToFill, long maxBatchBytes) {
        this.ordering = ordering;
        this.recordsToFill = recordsToFill;
        this.maxBatchBytes = maxBatchBytes;
    }

    void add(PendingRecord record) {
        waiting.put(record.sequence, record);
        waitingBytes += record.size;
        if (record.attempts > 0) {
            backingOff.add(record);
        }
        if (ordering == Ordering.NONE) {
            return;
        }
        if (record.orderKey == null) {
            unkeyedWaiting++;
        } else if (waitingKeys.merge(record.orderKey, 1, Integer::sum) == 1
                && !inFlightKeys.containsKey(record.orderKey)) {
            freeWaitingKeys++;
        }
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        return waiting.size();
    }

    /** Whether enough is waiting to fill a request, by records or bytes. */
    boolean fillsABatch() {
        return waiting.size() >= recordsToFill || waitingBytes >= maxBatchBytes;
    }

    /** How many more records would fill a request (0 or less: it is full). */
    int recordsToFill() {
        return recordsToFill - waiting.size();
    }

    /** How many more bytes would fill a request (0 or less: it is full). */
    long bytesToFill() {
        return maxBatchBytes - waitingBytes;
    }

    /** When the oldest waiting record was accepted (emission order is acceptance order). */
    long oldestEnqueuedAtNanos() {
        return waiting.firstEntry().getValue().enqueuedAtNanos;
    }

    /** Whether a refused record has waited out its backoff: it is due to be sent again, whatever buffer-time says. */
    boolean retryDue(long nowNanos) {
        for (PendingRecord record : backingOff) {
            if (nowNanos - record.notBeforeNanos >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether records that were due when a request was filled, but had to wait for an earlier record of their key,
     * may go now: that record landed. So a key's backlog leaves one round trip after another, not one buffer-time
     * after another.
     */
    boolean heldRecordsDue() {
        return dueKeyLanded;
    }

    /** The earliest end of a retry backoff still ahead of {@code nowNanos}, if any. */
    OptionalLong nextRetryAtNanos(long nowNanos) {
        boolean found = false;
        long earliest = 0;
        for (PendingRecord record : backingOff) {
            long at = record.notBeforeNanos;
            if (at - nowNanos > 0 && (!found || at - earliest < 0)) {
                earliest = at;
                found = true;
            }
        }
        return found ? OptionalLong.of(earliest) : OptionalLong.empty();
    }

    /**
     * Takes the next batch: records of one stream, in emission order, packed by the packer made for that stream
     * (request limits, aggregation), skipping records that must wait for an earlier record of their key (in flight,
     * backing off, or refused by the packer). The records in the entries the packer returns are marked in flight;
     * those it took but left out (a partial aggregated record) stay waiting in their place.
     */
    List<RequestEntry> nextBatch(long nowNanos, Function<String, BatchPacker> packerForStream) {
        if (everyWaitingKeyInFlight()) {
            // what the scan below would conclude, without walking every waiting record (a large backlog behind the
            // keys of the requests under way is scanned once per answer, not once per arrival)
            dueKeyLanded = false;
            dueBehindKey.addAll(waitingKeys.keySet());
            return List.of();
        }
        Set<String> heldBack = ordering == Ordering.NONE ? Set.of() : new HashSet<>();
        dueKeyLanded = false;
        BatchPacker packer = null;
        String stream = null;
        Iterator<PendingRecord> it = waiting.values().iterator();
        while (it.hasNext()) {
            PendingRecord record = it.next();
            if (ordering != Ordering.NONE && record.orderKey != null
                    && (heldBack.contains(record.orderKey) || inFlightKeys.containsKey(record.orderKey))) {
                dueBehindKey.add(record.orderKey);
                continue;
            }
            if (record.backingOff(nowNanos) || (stream != null && !stream.equals(record.stream))) {
                holdBack(heldBack, record);
                continue;
            }
            if (packer == null) {
                stream = record.stream;
                packer = packerForStream.apply(stream);
            }
            BatchPacker.Offer offer = packer.offer(record);
            if (offer == BatchPacker.Offer.FULL) {
                break;
            }
            if (offer == BatchPacker.Offer.HOLD_BACK) {
                holdBack(heldBack, record);
                if (record.orderKey != null) {
                    dueBehindKey.add(record.orderKey); // behind a record of its key in this request
                }
                continue;
            }
            if (record.orderKey != null && !dueBehindKey.isEmpty()) {
                dueBehindKey.remove(record.orderKey); // re-added if a later record of its key has to wait
            }
        }
        if (packer == null) {
            return List.of();
        }
        List<RequestEntry> entries = packer.finish();
        for (RequestEntry entry : entries) {
            for (PendingRecord record : entry.records()) {
                waiting.remove(record.sequence);
                backingOff.remove(record);
                waitingBytes -= record.size;
                leftWaiting(record);
                if (ordering != Ordering.NONE && record.orderKey != null
                        && inFlightKeys.merge(record.orderKey, 1, Integer::sum) == 1
                        && waitingKeys.containsKey(record.orderKey)) {
                    freeWaitingKeys--;
                }
            }
        }
        return entries;
    }

    /**
     * Whether every waiting record has a partition key with a record in a request under way (and none backs off): the
     * next batch is then empty.
     */
    private boolean everyWaitingKeyInFlight() {
        return ordering != Ordering.NONE && freeWaitingKeys == 0 && unkeyedWaiting == 0 && backingOff.isEmpty()
                && !waiting.isEmpty();
    }

    /** A taken record no longer counts for its key's waiting records (its key is not in flight yet). */
    private void leftWaiting(PendingRecord record) {
        if (ordering == Ordering.NONE) {
            return;
        }
        if (record.orderKey == null) {
            unkeyedWaiting--;
        } else if (waitingKeys.computeIfPresent(record.orderKey, (key, count) -> count == 1 ? null : count - 1) == null
                && !inFlightKeys.containsKey(record.orderKey)) {
            freeWaitingKeys--;
        }
    }

    private void holdBack(Set<String> heldBack, PendingRecord record) {
        if (ordering != Ordering.NONE && record.orderKey != null) {
            heldBack.add(record.orderKey);
        }
    }

    /** A record's request came back (whatever its outcome): its key no longer counts as in flight. */
    void landed(PendingRecord record) {
        if (ordering != Ordering.NONE && record.orderKey != null) {
            boolean wasInFlight = inFlightKeys.containsKey(record.orderKey);
            Integer left = inFlightKeys.computeIfPresent(record.orderKey, (key, count) -> count == 1 ? null : count - 1);
            if (wasInFlight && left == null && waitingKeys.containsKey(record.orderKey)) {
                freeWaitingKeys++;
            }
            if (left == null && dueBehindKey.remove(record.orderKey)) {
                dueKeyLanded = true;
            }
        }
    }

    /** Removes and returns everything waiting (for the final nack at shutdown). */
    List<PendingRecord> drainAll() {
        List<PendingRecord> all = new ArrayList<>(waiting.values());
        waiting.clear();
        backingOff.clear();
        dueBehindKey.clear();
        dueKeyLanded = false;
        waitingBytes = 0;
        waitingKeys.clear();
        freeWaitingKeys = 0;
        unkeyedWaiting = 0;
        return all;
    }
}
