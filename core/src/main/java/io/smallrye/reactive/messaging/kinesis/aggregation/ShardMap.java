package io.smallrye.reactive.messaging.kinesis.aggregation;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Which open shard of a stream owns which hash keys, as ListShards reported them at one point in time. Immutable.
 * <p>
 * Closed shards (those with an ending sequence number: parents of a split or merge) take no more writes and are
 * left out. The open shards of a stream cover all hash keys without overlapping; a hash key that no open shard
 * covers (a listing taken in the middle of a resharding) maps to no shard.
 */
public final class ShardMap {

    private static final ShardMap EMPTY = new ShardMap(new String[0], new HashRange[0]);

    /** Shard ids and ranges, sorted by starting hash key. */
    private final String[] shardIds;
    private final HashRange[] ranges;
    private final BigInteger[] starts;
    /** The ranges as unsigned 128-bit numbers split in high and low 64 bits, for lookups without BigInteger. */
    private final long[] startHigh;
    private final long[] startLow;
    private final long[] endHigh;
    private final long[] endLow;
    private final Map<String, HashRange> byId;

    private ShardMap(String[] shardIds, HashRange[] ranges) {
        this.shardIds = shardIds;
        this.ranges = ranges;
        this.starts = Arrays.stream(ranges).map(HashRange::start).toArray(BigInteger[]::new);
        this.startHigh = new long[ranges.length];
        this.startLow = new long[ranges.length];
        this.endHigh = new long[ranges.length];
        this.endLow = new long[ranges.length];
        for (int i = 0; i < ranges.length; i++) {
            startHigh[i] = ranges[i].start().shiftRight(64).longValue();
            startLow[i] = ranges[i].start().longValue();
            endHigh[i] = ranges[i].end().shiftRight(64).longValue();
            endLow[i] = ranges[i].end().longValue();
        }
        this.byId = new HashMap<>();
        for (int i = 0; i < shardIds.length; i++) {
            byId.put(shardIds[i], ranges[i]);
        }
    }

    /** A map without shards. */
    public static ShardMap empty() {
        return EMPTY;
    }

    /**
     * @param pages the pages of one ListShards listing of a stream
     * @throws IllegalArgumentException if two open shards overlap or a range is invalid
     */
    public static ShardMap fromListShards(Collection<ListShardsResponse> pages) {
        List<Shard> shards = new ArrayList<>();
        for (ListShardsResponse page : pages) {
            shards.addAll(page.shards());
        }
        return fromShards(shards);
    }

    /**
     * @param shards shards of one stream; closed shards are ignored
     * @throws IllegalArgumentException if two open shards overlap or a range is invalid
     */
    public static ShardMap fromShards(Collection<Shard> shards) {
        record Entry(String shardId, HashRange range) {
        }
        List<Entry> open = new ArrayList<>();
        for (Shard shard : shards) {
            if (isOpen(shard)) {
                open.add(new Entry(shard.shardId(), HashRange.of(shard.hashKeyRange())));
            }
        }
        open.sort(Comparator.comparing(e -> e.range().start()));
        for (int i = 1; i < open.size(); i++) {
            Entry previous = open.get(i - 1);
            Entry current = open.get(i);
            if (current.range().start().compareTo(previous.range().end()) <= 0) {
                throw new IllegalArgumentException("Open shards " + previous.shardId() + " " + previous.range() + " and "
                        + current.shardId() + " " + current.range() + " overlap");
            }
        }
        return new ShardMap(open.stream().map(Entry::shardId).toArray(String[]::new),
                open.stream().map(Entry::range).toArray(HashRange[]::new));
    }

    private static boolean isOpen(Shard shard) {
        return shard.sequenceNumberRange() == null || shard.sequenceNumberRange().endingSequenceNumber() == null;
    }

    /**
     * @return the id of the open shard owning the hash key, or {@code null} if no open shard does
     */
    public String shardFor(BigInteger hashKey) {
        int i = indexOf(hashKey);
        return i < 0 ? null : shardIds[i];
    }

    /**
     * @param explicitHashKey the explicit hash key, or {@code null}
     * @return the id of the open shard a record with these keys goes to, or {@code null} if no open shard owns it
     * @throws IllegalArgumentException if the explicit hash key is present and invalid
     */
    public String shardFor(String partitionKey, String explicitHashKey) {
        if (explicitHashKey != null) {
            return shardFor(HashKeys.parseExplicit(explicitHashKey));
        }
        if (shardIds.length == 0) {
            return null;
        }
        // the hot path when aggregating: MD5 read as two unsigned longs, no BigInteger
        byte[] digest = Md5.digest(partitionKey.getBytes(StandardCharsets.UTF_8));
        return shardFor(bigEndianLong(digest, 0), bigEndianLong(digest, 8));
    }

    private String shardFor(long high, long low) {
        // the last shard starting at or before the key, if it also ends at or after it
        int from = 0;
        int to = shardIds.length - 1;
        int found = -1;
        while (from <= to) {
            int mid = (from + to) >>> 1;
            if (compareUnsigned128(startHigh[mid], startLow[mid], high, low) <= 0) {
                found = mid;
                from = mid + 1;
            } else {
                to = mid - 1;
            }
        }
        return found >= 0 && compareUnsigned128(high, low, endHigh[found], endLow[found]) <= 0 ? shardIds[found] : null;
    }

    private static int compareUnsigned128(long aHigh, long aLow, long bHigh, long bLow) {
        int high = Long.compareUnsigned(aHigh, bHigh);
        return high != 0 ? high : Long.compareUnsigned(aLow, bLow);
    }

    private static long bigEndianLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        return value;
    }

    /**
     * @return the hash key range of the shard, or {@code null} if it is not an open shard of this map
     */
    public HashRange rangeOf(String shardId) {
        return byId.get(shardId);
    }

    /** @return the ids of the open shards, by starting hash key */
    public List<String> shardIds() {
        return List.of(shardIds);
    }

    public int size() {
        return shardIds.length;
    }

    public boolean isEmpty() {
        return shardIds.length == 0;
    }

    private int indexOf(BigInteger hashKey) {
        int i = Arrays.binarySearch(starts, hashKey);
        if (i < 0) {
            // the shard starting before the key, if any
            i = -i - 2;
        }
        return i >= 0 && ranges[i].contains(hashKey) ? i : -1;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ShardMap{");
        for (int i = 0; i < shardIds.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shardIds[i]).append('=').append(ranges[i]);
        }
        return sb.append('}').toString();
    }
}
