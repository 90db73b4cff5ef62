package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The waiting records of one order key, or the unkeyed records of one stream whose backoff is over, in emission order,
 * with where {@link PendingRecords} indexes the queue (by the sequence of its first record, or by the end of its first
 * record's backoff). Records arrive in emission order almost always (a sequence counter, then the channel's inbox);
 * those that do not (concurrent emitters, retries, records put back) go to a sorted lane of their own. Used on the
 * channel's context only.
 */
final class RecordQueue {

    /** The order key, or {@code null} for the unkeyed records of a stream (each free of the others). */
    final String key;
    final String stream;
    /** Its stream's ready queues (see {@link QueueIndexes.StreamQueues#ready}). */
    final TreeSet<RecordQueue> streamReady;
    private final ArrayDeque<PendingRecord> inOrder = new ArrayDeque<>(4);
    private TreeMap<Long, PendingRecord> outOfOrder;

    /** Records of this key in requests under way. */
    int inFlight;
    /**
     * Records of this key were due (a request was being filled) but had to wait for an earlier record of the key: they
     * are due as soon as the key's requests land, whatever buffer-time says.
     */
    boolean dueBehind;

    /** The index this queue is in, {@code null} when in none (empty, or taken out while a batch is built). */
    TreeSet<RecordQueue> index;
    long indexedSequence;
    long indexedRetryAt;
    /** Changed while building a batch: indexed again once the batch is done. */
    boolean touched;

    RecordQueue(String key, String stream, TreeSet<RecordQueue> streamReady) {
        this.key = key;
        this.stream = stream;
        this.streamReady = streamReady;
    }

    boolean isEmpty() {
        return inOrder.isEmpty() && (outOfOrder == null || outOfOrder.isEmpty());
    }

    PendingRecord head() {
        PendingRecord first = inOrder.peekFirst();
        if (outOfOrder == null || outOfOrder.isEmpty()) {
            return first;
        }
        PendingRecord sorted = outOfOrder.firstEntry().getValue();
        return first == null || sorted.sequence < first.sequence ? sorted : first;
    }

    /** The sequence of the second record, or {@link Long#MAX_VALUE} when there is none. */
    long sequenceAfterHead() {
        long first = Long.MAX_VALUE;
        long second = Long.MAX_VALUE;
        Iterator<PendingRecord> inOrderFirst = inOrder.iterator();
        Iterator<Long> sortedFirst = outOfOrder == null ? Collections.emptyIterator() : outOfOrder.keySet().iterator();
        for (int i = 0; i < 2; i++) {
            for (long sequence : new long[] { inOrderFirst.hasNext() ? inOrderFirst.next().sequence : Long.MAX_VALUE,
                    sortedFirst.hasNext() ? sortedFirst.next() : Long.MAX_VALUE }) {
                if (sequence < first) {
                    second = first;
                    first = sequence;
                } else if (sequence < second) {
                    second = sequence;
                }
            }
        }
        return second;
    }

    void add(PendingRecord record) {
        PendingRecord last = inOrder.peekLast();
        if (last == null || record.sequence > last.sequence) {
            inOrder.addLast(record);
        } else if (record.sequence < inOrder.peekFirst().sequence) {
            inOrder.addFirst(record);
        } else {
            if (outOfOrder == null) {
                outOfOrder = new TreeMap<>();
            }
            outOfOrder.put(record.sequence, record);
        }
    }

    /** Removes the head. */
    void poll() {
        PendingRecord head = head();
        if (head == inOrder.peekFirst()) {
            inOrder.pollFirst();
        } else {
            outOfOrder.pollFirstEntry();
        }
    }

    void drainTo(List<PendingRecord> records) {
        records.addAll(inOrder);
        inOrder.clear();
        if (outOfOrder != null) {
            records.addAll(outOfOrder.values());
            outOfOrder.clear();
        }
    }

    /** Whether the queue holds no record and none of its key is in flight: it can be forgotten. */
    boolean idle() {
        return inFlight == 0 && isEmpty();
    }
}
