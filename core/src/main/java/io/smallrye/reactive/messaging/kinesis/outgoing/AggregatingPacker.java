package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

import io.smallrye.reactive.messaging.kinesis.aggregation.AggregatedRecordWriter;
import io.smallrye.reactive.messaging.kinesis.aggregation.PackedRecord;
import io.smallrye.reactive.messaging.kinesis.aggregation.ShardMap;

/**
 * Packs records into KPL aggregated records, one open container per target shard (from the stream's shard map), each
 * up to aggregation-max-bytes; a container holding one record is sent as a plain record. While a record's shard is
 * unknown (no shard map yet, or ListShards refused), it shares a container only with the records of its own partition
 * key and explicit hash key: they hash to one shard, whichever it is, and the container is routed like them.
 * <p>
 * A container is accepted or refused as a whole, so under strict ordering the records of one key that wait together
 * share a container and leave in one round trip, but a key never spreads over two entries of one request.
 * <p>
 * As the KPL does, a container goes into the request only when it is full, or when {@code partialLeaves} says so for
 * the time its oldest record was accepted (its buffer-time is over, the channel is flushing, or what it holds would
 * otherwise stall): the records of a partial container stay waiting, so that later records fill it. Only the last
 * container of a shard can be partial, so the records left behind are the latest of their shard and keep their
 * order behind those that leave.
 */
final class AggregatingPacker implements BatchPacker {

    /** Room kept per record for protobuf framing and a container's outer partition key, so the request never overflows. */
    private static final int FRAMING_RESERVE = 2048;

    private final int maxEntries;
    private final long maxBytes;
    private final int containerMaxBytes;
    private final boolean oneEntryPerKey;
    private final ShardMap shards;
    private final LongPredicate partialLeaves;

    private final List<RequestEntry> closed = new ArrayList<>();
    private final Map<String, Container> open = new LinkedHashMap<>();
    private final Map<String, Container> entryOfKey = new HashMap<>();
    private long closedBytes;
    private long openBytes;

    /**
     * @param partialLeaves whether a partial container leaves now, given when its oldest record was accepted (nanos)
     */
    AggregatingPacker(int maxEntries, long maxBytes, int containerMaxBytes, Ordering ordering, ShardMap shards,
            LongPredicate partialLeaves) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.containerMaxBytes = containerMaxBytes;
        this.oneEntryPerKey = ordering == Ordering.STRICT;
        this.shards = shards;
        this.partialLeaves = partialLeaves;
    }

    @Override
    public Offer offer(PendingRecord record) {
        boolean empty = closed.isEmpty() && open.isEmpty();
        if (!empty && closedBytes + openBytes + record.size + FRAMING_RESERVE > maxBytes) {
            return Offer.FULL;
        }
        String shard = shards.shardFor(record.entry.partitionKey(), record.entry.explicitHashKey());
        Container assigned = oneEntryPerKey && record.orderKey != null ? entryOfKey.get(record.orderKey) : null;
        // open containers are keyed by shard, or by routing key while the shard is unknown (never equal: see below)
        String target = shard != null ? shard : routingKey(record);
        Container container = open.get(target);
        if (assigned != null && assigned != container) {
            return Offer.HOLD_BACK;
        }
        if (container != null) {
            long before = container.entrySize();
            if (container.add(record)) {
                openBytes += container.entrySize() - before;
                return Offer.TAKEN;
            }
            container.full = true;
            if (assigned != null) {
                return Offer.HOLD_BACK; // its key is in this container: a second entry could overtake it
            }
            open.remove(target);
            openBytes -= before;
            closedBytes += before;
            closed.add(container.toEntry());
        }
        if (closed.size() + open.size() == maxEntries) {
            return Offer.FULL;
        }
        container = new Container(new AggregatedRecordWriter(containerMaxBytes), shard);
        container.add(record);
        open.put(target, container);
        openBytes += container.entrySize();
        return Offer.TAKEN;
    }

    /**
     * Records with the same partition key and explicit hash key land on the same shard. Starts with a line feed,
     * which no shard id holds.
     */
    private static String routingKey(PendingRecord record) {
        String explicitHashKey = record.entry.explicitHashKey();
        return explicitHashKey == null ? "\n" + record.entry.partitionKey()
                : "\n" + explicitHashKey + "\n" + record.entry.partitionKey();
    }

    @Override
    public List<RequestEntry> finish() {
        List<RequestEntry> entries = new ArrayList<>(closed);
        for (Container container : open.values()) {
            if (container.full || partialLeaves.test(container.oldestEnqueuedAtNanos)) {
                entries.add(container.toEntry());
            }
        }
        return entries;
    }

    private final class Container {
        final AggregatedRecordWriter writer;
        /** The shard its records map to, {@code null} when unknown. */
        final String shard;
        final List<PendingRecord> records = new ArrayList<>();
        /** A record did not fit any more. */
        boolean full;
        long oldestEnqueuedAtNanos;

        Container(AggregatedRecordWriter writer, String shard) {
            this.writer = writer;
            this.shard = shard;
        }

        boolean add(PendingRecord record) {
            if (!writer.tryAdd(record.entry.partitionKey(), record.entry.explicitHashKey(), record.entry.data())) {
                return false;
            }
            if (records.isEmpty() || record.enqueuedAtNanos - oldestEnqueuedAtNanos < 0) {
                oldestEnqueuedAtNanos = record.enqueuedAtNanos;
            }
            records.add(record);
            if (oneEntryPerKey && record.orderKey != null) {
                entryOfKey.put(record.orderKey, this);
            }
            return true;
        }

        /** What Kinesis counts for this entry: a lone record goes plain. */
        long entrySize() {
            return records.size() == 1 ? records.get(0).size : writer.recordSize();
        }

        RequestEntry toEntry() {
            if (records.size() == 1) {
                return new RequestEntry(List.copyOf(records), records.get(0).entry, false, shard);
            }
            PackedRecord packed = writer.build();
            return new RequestEntry(List.copyOf(records), packed.toPutRecordsRequestEntry(), true, shard);
        }
    }
}
