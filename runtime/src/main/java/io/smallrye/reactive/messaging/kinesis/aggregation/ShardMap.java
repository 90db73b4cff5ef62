package io.smallrye.reactive.messaging.kinesis.aggregation;

import java.math.BigInteger;
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
    private final Map<String, HashRange> byId;

    private ShardMap(String[] shardIds, HashRange[] ranges) {
        this.shardIds = shardIds;
        this.ranges = ranges;
        this.starts = Arrays.stream(ranges).map(HashRange::start).toArray(BigInteger[]::new);
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
        return shardFor(HashKeys.effective(partitionKey, explicitHashKey));
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
