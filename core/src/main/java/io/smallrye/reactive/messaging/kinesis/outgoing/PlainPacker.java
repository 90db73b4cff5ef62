package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One entry per record. Under strict ordering a partition key appears at most once in a request, so a refused
 * record cannot be overtaken by a later record of its key accepted in the same request.
 */
final class PlainPacker implements BatchPacker {

    private final int maxRecords;
    private final long maxBytes;
    private final boolean oneRecordPerKey;
    private final List<RequestEntry> entries = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();
    private long bytes;

    PlainPacker(int maxRecords, long maxBytes, Ordering ordering) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.oneRecordPerKey = ordering == Ordering.STRICT;
    }

    @Override
    public Offer offer(PendingRecord record) {
        boolean keyed = oneRecordPerKey && record.orderKey != null;
        if (keyed && keys.contains(record.orderKey)) {
            return Offer.HOLD_BACK;
        }
        if (entries.size() == maxRecords || (!entries.isEmpty() && bytes + record.size > maxBytes)) {
            return Offer.FULL;
        }
        entries.add(RequestEntry.plain(record));
        bytes += record.size;
        if (keyed) {
            keys.add(record.orderKey);
        }
        return Offer.TAKEN;
    }

    @Override
    public boolean oneRecordPerKey() {
        return oneRecordPerKey;
    }

    @Override
    public List<RequestEntry> finish() {
        return entries;
    }
}
