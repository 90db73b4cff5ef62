package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where {@link PendingRecords} keeps each {@link RecordQueue}, by what its first record waits for: nothing (its
 * stream's ready queues, by the sequence of their first record), requests of its key under way (apart, the keys whose
 * waiting records are {@link RecordQueue#dueBehind}), or the end of a backoff. A queue is in one index at most (none
 * when empty or taken out while a batch is built). Used on the channel's context only.
 */
final class QueueIndexes {

    private static final Comparator<RecordQueue> BY_FIRST_RECORD = Comparator.comparingLong(q -> q.indexedSequence);
    private static final Comparator<RecordQueue> BY_RETRY_AT = (a, b) -> a.indexedRetryAt == b.indexedRetryAt
            ? Long.compare(a.indexedSequence, b.indexedSequence)
            : Long.signum(a.indexedRetryAt - b.indexedRetryAt);

    private final Map<String, StreamQueues> streams = new HashMap<>(4);
    /** Keys with records in requests under way and records waiting behind them (not {@link RecordQueue#dueBehind}). */
    private final TreeSet<RecordQueue> inFlightKeys = new TreeSet<>(BY_FIRST_RECORD);
    /** The same, for keys whose waiting records are {@link RecordQueue#dueBehind}. */
    private final TreeSet<RecordQueue> dueBehindKeys = new TreeSet<>(BY_FIRST_RECORD);
    /** Keys whose first record waits for its backoff. */
    private final TreeSet<RecordQueue> backingOffKeys = new TreeSet<>(BY_RETRY_AT);

    StreamQueues stream(String name) {
        return streams.computeIfAbsent(name, StreamQueues::new);
    }

    /**
     * Puts a queue in the index its first record says (none when it is empty).
     *
     * @param building whether a batch is being built at {@code buildNanos}: a keyed record whose backoff is over then
     *        is ready; outside a batch, whether it is over is decided by the next batch
     */
    void index(RecordQueue queue, boolean building, long buildNanos) {
        if (queue.isEmpty()) {
            return;
        }
        PendingRecord first = queue.head();
        queue.indexedSequence = first.sequence;
        queue.indexedRetryAt = first.notBeforeNanos;
        TreeSet<RecordQueue> index;
        if (queue.inFlight > 0) {
            index = queue.dueBehind ? dueBehindKeys : inFlightKeys;
        } else if (queue.key != null && first.attempts > 0 && (!building || first.backingOff(buildNanos))) {
            index = backingOffKeys;
        } else {
            index = queue.streamReady;
        }
        queue.index = index;
        index.add(queue);
    }

    static void unindex(RecordQueue queue) {
        if (queue.index != null) {
            queue.index.remove(queue);
            queue.index = null;
        }
    }

    /** Takes out the keys whose first record's backoff is over at {@code nowNanos} (to be indexed again). */
    List<RecordQueue> pollBackoffsOver(long nowNanos) {
        List<RecordQueue> over = List.of();
        while (!backingOffKeys.isEmpty() && nowNanos - backingOffKeys.first().indexedRetryAt >= 0) {
            if (over.isEmpty()) {
                over = new ArrayList<>();
            }
            RecordQueue queue = backingOffKeys.pollFirst();
            queue.index = null;
            over.add(queue);
        }
        return over;
    }

    /** The stream whose ready queues hold the oldest first record, or {@code null} when no queue is ready. */
    StreamQueues firstReadyStream() {
        StreamQueues first = null;
        for (StreamQueues stream : streams.values()) {
            if (!stream.ready.isEmpty() && (first == null
                    || stream.ready.first().indexedSequence < first.ready.first().indexedSequence)) {
                first = stream;
            }
        }
        return first;
    }

    /** Keys in flight whose waiting records came before the record that filled the request had to wait: due behind. */
    void keysInFlightVisitedBefore(long fullAt) {
        while (!inFlightKeys.isEmpty() && inFlightKeys.first().indexedSequence < fullAt) {
            RecordQueue queue = inFlightKeys.pollFirst();
            queue.dueBehind = true;
            queue.index = dueBehindKeys;
            dueBehindKeys.add(queue);
        }
    }

    /**
     * The oldest of {@code oldest} and the first records of the queues that are not backing off (a queue backing off
     * starts with a retried record, which the caller knows of).
     */
    PendingRecord oldestFirstRecord(PendingRecord oldest) {
        oldest = older(oldest, inFlightKeys);
        oldest = older(oldest, dueBehindKeys);
        for (StreamQueues stream : streams.values()) {
            oldest = older(oldest, stream.ready);
        }
        return oldest;
    }

    private static PendingRecord older(PendingRecord oldest, TreeSet<RecordQueue> index) {
        if (index.isEmpty()) {
            return oldest;
        }
        PendingRecord first = index.first().head();
        return oldest == null || first.sequence < oldest.sequence ? first : oldest;
    }

    /** Moves the streams' unkeyed records to {@code records} and empties every index (keyed queues are the caller's). */
    void drainLooseTo(List<PendingRecord> records) {
        for (StreamQueues stream : streams.values()) {
            stream.loose.drainTo(records);
            stream.loose.index = null;
            stream.ready.clear();
        }
        inFlightKeys.clear();
        dueBehindKeys.clear();
        backingOffKeys.clear();
    }

    /** The queues of one stream that may give a record now, by their first record; and its records free of any other. */
    static final class StreamQueues {
        final String name;
        final TreeSet<RecordQueue> ready = new TreeSet<>(BY_FIRST_RECORD);
        final RecordQueue loose;

        StreamQueues(String name) {
            this.name = name;
            this.loose = new RecordQueue(null, name, ready);
        }
    }
}
