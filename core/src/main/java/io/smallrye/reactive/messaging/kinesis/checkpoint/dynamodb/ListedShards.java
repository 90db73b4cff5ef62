package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;

/**
 * What the channel's complete shard listings told the lease coordinator: which shard descends from which (kept from
 * every listing, so a shard past the retention period keeps its place in the tree), and since when the shard of a lease
 * is missing from them.
 * <p>
 * A lease key counts as missing from a listing only if the lease was seen in a scan before that listing arrived: a
 * lease created for a shard newer than the listing is not missing from it. An empty listing is ignored (a stream has at
 * least one shard). Used on the coordinator's context only.
 */
final class ListedShards {

    /** Missing from every listing since {@code sinceNanos}, {@code listings} of them. */
    private static final class Missing {
        final long sinceNanos;
        int listings;

        Missing(long sinceNanos) {
            this.sinceNanos = sinceNanos;
        }
    }

    private final Map<String, Set<String>> children = new HashMap<>();
    private final Map<String, Missing> missing = new HashMap<>();

    /**
     * A complete listing arrived.
     *
     * @param shards every shard of the stream
     * @param leaseKeys the keys of the lease table's last scan
     * @param nowNanos {@link System#nanoTime()} now
     */
    void listed(List<ShardInfo> shards, Collection<String> leaseKeys, long nowNanos) {
        if (shards.isEmpty()) {
            return;
        }
        Set<String> listed = new HashSet<>();
        for (ShardInfo shard : shards) {
            listed.add(shard.shardId());
            for (String parent : shard.parentShardIds()) {
                children.computeIfAbsent(parent, key -> new LinkedHashSet<>()).add(shard.shardId());
            }
        }
        missing.keySet().retainAll(leaseKeys);
        for (String key : leaseKeys) {
            if (listed.contains(key)) {
                missing.remove(key);
            } else {
                missing.computeIfAbsent(key, ignored -> new Missing(nowNanos)).listings++;
            }
        }
    }

    /** The shard's children as listed (empty when unknown). */
    List<String> children(String shardId) {
        return List.copyOf(children.getOrDefault(shardId, Set.of()));
    }

    /** Every shard descending from this one, as far as the listings tell. */
    List<String> descendants(String shardId) {
        List<String> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<String> next = new ArrayDeque<>(children(shardId));
        while (!next.isEmpty()) {
            String child = next.poll();
            if (seen.add(child)) {
                found.add(child);
                next.addAll(children(child));
            }
        }
        return found;
    }

    /**
     * Whether the lease's shard no longer exists: missing from at least two listings in a row, over at least
     * {@code forNanos}, so that one of them surely started after the lease (and its shard) existed.
     */
    boolean gone(String leaseKey, long nowNanos, long forNanos) {
        Missing gone = missing.get(leaseKey);
        return gone != null && gone.listings >= 2 && nowNanos - gone.sinceNanos >= forNanos;
    }
}
