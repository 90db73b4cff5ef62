package io.smallrye.reactive.messaging.kinesis.checkpoint;

import java.util.List;
import java.util.Objects;

/**
 * What a channel knows of a shard when it hands the shard to a {@link CheckpointStore}: its parents (one after a
 * split, two after a merge) and the hash keys it owns, so that a shared store can describe the shard to other nodes.
 *
 * @param shardId the shard's id
 * @param parentShardIds the shards this one was created from, empty for a shard of the stream's creation
 * @param startingHashKey the lowest hash key of the shard (decimal), null when unknown
 * @param endingHashKey the highest hash key of the shard (decimal), null when unknown
 */
public record ShardInfo(String shardId, List<String> parentShardIds, String startingHashKey, String endingHashKey) {

    public ShardInfo {
        Objects.requireNonNull(shardId, "shardId");
        parentShardIds = parentShardIds == null ? List.of() : List.copyOf(parentShardIds);
    }

    /** A shard known by its id only. */
    public static ShardInfo of(String shardId) {
        return new ShardInfo(shardId, List.of(), null, null);
    }
}
