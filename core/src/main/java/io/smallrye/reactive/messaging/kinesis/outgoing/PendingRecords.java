package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The records waiting to be sent, and the choice of the next batch under the ordering rule: records of one stream in
 * emission order, skipping those that must wait for an earlier record of their key (in flight, backing off, or refused
 * by the packer). Retried records go back to their place in emission order and, while they wait for their backoff,
 * hold back the later records of their partition key.
 * <p>
 * The records are kept in one {@link RecordQueue} per order key, plus one per stream for the records free of any other
 * (unkeyed, or ordering {@code none}). Each queue is indexed by what its first record waits for: nothing (the stream's
 * ready queues, by the sequence of their first record), requests of its key under way, or a backoff. A batch merges the
 * ready queues of one stream in emission order, so it costs the records it visits times the log of the keys, not a walk
 * over the whole backlog. A single-threaded state machine: used on the channel's context only (see {@link SendLoop}).
 */
final class PendingRecords {

    private final Ordering ordering;
    /** Records that fill a request: max-batch-records, or unbounded when aggregating (bytes fill it first). */
    private final int recordsToFill;
    private final long maxBatchBytes;

    private final Map<String, RecordQueue> keys = new HashMap<>();
    private final QueueIndexes indexes = new QueueIndexes();
    private final RefusedRecords refused = new RefusedRecords();

    /** A key whose waiting records were due behind its requests landed since the last batch: they are due. */
    private boolean dueKeyLanded;
    private int size;
    private long waitingBytes;

    /** While a batch is built: records offered and taken (or refused alone), with their queue, in offer order. */
    private final List<PendingRecord> taken = new ArrayList<>();
    private final List<RecordQueue> takenFrom = new ArrayList<>();
    private final List<RecordQueue> touched = new ArrayList<>();
    /** Keys that gave a record to the batch, then reached a record backing off. */
    private final List<RecordQueue> heldByBackoff = new ArrayList<>();
    /** Keys that gave a record to a packer that takes one per key, with records left. */
    private final List<RecordQueue> heldByTake = new ArrayList<>();
    private boolean building;
    private long buildNanos;

    PendingRecords(Ordering ordering, int recordsToFill, long maxBatchBytes) {
        this.ordering = ordering;
        this.recordsToFill = recordsToFill;
        this.maxBatchBytes = maxBatchBytes;
    }

    void add(PendingRecord record) {
        size++;
        waitingBytes += record.size;
        refused.waiting(record);
        QueueIndexes.StreamQueues stream = indexes.stream(record.stream);
        if (ordering != Ordering.NONE && record.orderKey != null) {
            RecordQueue queue = keys.computeIfAbsent(record.orderKey,
                    key -> new RecordQueue(key, record.stream, stream.ready));
            record.queue = queue;
            enqueue(queue, record);
        } else if (record.attempts > 0) {
            refused.holdLoose(record); // ready once its backoff is over (see promoteRetries)
        } else {
            enqueue(stream.loose, record);
        }
    }

    private void enqueue(RecordQueue queue, PendingRecord record) {
        PendingRecord first = queue.head();
        queue.add(record);
        if (queue.index == null || queue.head() != first) {
            QueueIndexes.unindex(queue);
            index(queue);
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Whether enough is waiting to fill a request, by records or bytes. */
    boolean fillsABatch() {
        return size >= recordsToFill || waitingBytes >= maxBatchBytes;
    }

    /** How many more records would fill a request (0 or less: it is full). */
    int recordsToFill() {
        return recordsToFill - size;
    }

    /** How many more bytes would fill a request (0 or less: it is full). */
    long bytesToFill() {
        return maxBatchBytes - waitingBytes;
    }

    /** When the oldest waiting record was accepted (emission order is acceptance order). */
    long oldestEnqueuedAtNanos() {
        // every waiting record is in a queue behind its first record, or refused before (a backoff index holds
        // queues whose first record was refused, and loose refused records)
        return indexes.oldestFirstRecord(refused.oldest()).enqueuedAtNanos;
    }

    /** Whether a refused record has waited out its backoff: it is due to be sent again, whatever buffer-time says. */
    boolean retryDue(long nowNanos) {
        return refused.retryDue(nowNanos);
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
        return refused.nextRetryAtNanos(nowNanos);
    }

    /**
     * Takes the next batch: records of one stream (the stream of the oldest record that may go), in emission order,
     * packed by the packer made for that stream (request limits, aggregation), skipping records that must wait for an
     * earlier record of their key (in flight, backing off, or refused by the packer). The records in the entries the
     * packer returns are marked in flight; those it took but left out (a partial aggregated record) stay waiting in
     * their place.
     */
    List<RequestEntry> nextBatch(long nowNanos, Function<String, BatchPacker> packerForStream) {
        dueKeyLanded = false;
        building = true;
        buildNanos = nowNanos;
        promoteRetries(nowNanos);
        QueueIndexes.StreamQueues stream = indexes.firstReadyStream();
        List<RequestEntry> entries = List.of();
        // the sequence of the record that found the request full: records before it were visited
        long fullAt = Long.MAX_VALUE;
        if (stream != null) {
            BatchPacker packer = packerForStream.apply(stream.name);
            boolean oneRecordPerKey = packer.oneRecordPerKey();
            RecordQueue queue;
            while ((queue = stream.ready.pollFirst()) != null) {
                queue.index = null;
                PendingRecord record = queue.head();
                BatchPacker.Offer offer = packer.offer(record);
                if (offer == BatchPacker.Offer.FULL) {
                    fullAt = record.sequence;
                    index(queue);
                    break;
                }
                if (offer == BatchPacker.Offer.HOLD_BACK && queue.key != null) {
                    queue.dueBehind = true; // behind a record of its key in this request: the key waits
                    touch(queue);
                    continue;
                }
                // taken, or (a record free of any other) refused alone: either way back in place unless it leaves
                queue.poll();
                taken.add(record);
                takenFrom.add(queue);
                if (offer == BatchPacker.Offer.TAKEN && queue.key != null) {
                    queue.dueBehind = false; // set again if a later record of its key has to wait
                    if (!queue.isEmpty() && queue.head().backingOff(nowNanos)) {
                        touch(queue); // its key waits for that backoff, and so do the records behind it
                        heldByBackoff.add(queue);
                        continue;
                    }
                    if (oneRecordPerKey && !queue.isEmpty()) {
                        touch(queue); // the packer would hold its next record back: not offered again
                        heldByTake.add(queue);
                        continue;
                    }
                }
                index(queue);
            }
            entries = packer.finish();
        }
        indexes.keysInFlightVisitedBefore(fullAt);
        for (RecordQueue queue : heldByBackoff) {
            if (queue.sequenceAfterHead() < fullAt) {
                queue.dueBehind = true;
            }
        }
        heldByBackoff.clear();
        for (RecordQueue queue : heldByTake) {
            // due behind its key's request if the batch reached its next record (it would have been held back there)
            if (queue.head().sequence < fullAt) {
                queue.dueBehind = true;
            }
        }
        heldByTake.clear();
        settleTaken(entries);
        building = false;
        return entries;
    }

    private void promoteRetries(long nowNanos) {
        for (RecordQueue queue : indexes.pollBackoffsOver(nowNanos)) {
            index(queue);
        }
        PendingRecord record;
        while ((record = refused.pollLooseDue(nowNanos)) != null) {
            enqueue(indexes.stream(record.stream).loose, record);
        }
    }

    /** The records in the entries leave (their keys are in flight); the others taken go back to their place. */
    private void settleTaken(List<RequestEntry> entries) {
        for (RequestEntry entry : entries) {
            for (PendingRecord record : entry.records()) {
                record.leaving = true;
            }
        }
        for (int i = taken.size() - 1; i >= 0; i--) {
            PendingRecord record = taken.get(i);
            RecordQueue queue = takenFrom.get(i);
            touch(queue);
            if (record.leaving) {
                record.leaving = false;
                size--;
                waitingBytes -= record.size;
                refused.left(record);
                if (queue.key != null) {
                    queue.inFlight++;
                }
            } else {
                queue.add(record); // from the latest back: each goes before those of its queue still waiting
            }
        }
        for (RecordQueue queue : touched) {
            queue.touched = false;
            index(queue);
            forgetIfIdle(queue);
        }
        taken.clear();
        takenFrom.clear();
        touched.clear();
    }

    private void touch(RecordQueue queue) {
        if (!queue.touched) {
            queue.touched = true;
            QueueIndexes.unindex(queue);
            touched.add(queue);
        }
    }

    private void index(RecordQueue queue) {
        indexes.index(queue, building, buildNanos);
    }

    private void forgetIfIdle(RecordQueue queue) {
        if (queue.key != null && queue.idle()) {
            keys.remove(queue.key, queue);
        }
    }

    /** A record's request came back (whatever its outcome): its key no longer counts as in flight. */
    void landed(PendingRecord record) {
        if (ordering == Ordering.NONE || record.orderKey == null) {
            return;
        }
        // its key's queue: kept in the key map while the record is in flight (a queue is forgotten only when idle)
        RecordQueue queue = record.queue;
        if (queue == null || queue.inFlight == 0 || --queue.inFlight > 0) {
            return;
        }
        if (queue.dueBehind) {
            queue.dueBehind = false;
            dueKeyLanded = true;
        }
        QueueIndexes.unindex(queue);
        index(queue);
        forgetIfIdle(queue);
    }

    /** Removes and returns everything waiting, in emission order (for the final nack at shutdown). */
    List<PendingRecord> drainAll() {
        List<PendingRecord> all = new ArrayList<>(size);
        for (RecordQueue queue : keys.values()) {
            queue.drainTo(all);
        }
        indexes.drainLooseTo(all);
        refused.drainLooseTo(all);
        all.sort(Comparator.comparingLong(record -> record.sequence));
        keys.clear();
        dueKeyLanded = false;
        size = 0;
        waitingBytes = 0;
        return all;
    }

}
