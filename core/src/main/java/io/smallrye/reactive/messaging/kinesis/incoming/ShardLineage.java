package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.reactive.messaging.kinesis.aggregation.HashRange;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The shards a channel knows, their parents, and how far each got, so that a shard is read only after its parents
 * were: a split child has one parent, a merge child two. A parent that ListShards no longer returns (past the
 * retention period) counts as finished. Not thread-safe: used on the channel context only.
 */
final class ShardLineage {

    enum State {
        /** Known, not read yet: waits for its parents, or to be claimed. */
        WAITING,
        /** Asked the checkpoint store whether it may be read. */
        CLAIMING,
        /** The checkpoint store lets someone else read it for now. */
        NOT_OWNED,
        /** A reader reads it. */
        READING,
        /** Closed and fully read; waits for its pending records to complete. */
        DRAINING,
        /** Every record processed (or not to be read: closed before a LATEST start). */
        FINISHED,
        /** No longer in the stream (it was recreated without it): not read, unless listed again. */
        GONE
    }

    private static final class Node {
        final String id;
        final List<String> parents = new ArrayList<>(2);
        State state = State.WAITING;
        boolean listed;
        boolean initial;
        HashKeyRange range;

        Node(String id) {
            this.id = id;
        }
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final boolean skipClosedAtStart;
    private boolean listedOnce;

    /** @param skipClosedAtStart whether shards already closed in the first listing are not read (LATEST) */
    ShardLineage(boolean skipClosedAtStart) {
        this.skipClosedAtStart = skipClosedAtStart;
    }

    /** Records the answer of a complete ListShards. Shards not-owned so far may be claimed again. */
    void listed(List<Shard> shards) {
        boolean first = !listedOnce;
        listedOnce = true;
        for (Shard shard : shards) {
            Node node = nodes.computeIfAbsent(shard.shardId(), Node::new);
            if (node.state == State.GONE) {
                node.state = State.WAITING; // back in a recreated stream
            }
            if (!node.listed) {
                node.listed = true;
                node.initial = first;
                addParent(node, shard.parentShardId());
                addParent(node, shard.adjacentParentShardId());
                if (shard.hashKeyRange() != null) {
                    node.range = shard.hashKeyRange();
                }
                boolean closed = shard.sequenceNumberRange() != null
                        && shard.sequenceNumberRange().endingSequenceNumber() != null;
                if (first && closed && skipClosedAtStart) {
                    node.state = State.FINISHED;
                }
            }
        }
        retryNotOwned();
    }

    /** Shards not-owned so far may be claimed again. */
    void retryNotOwned() {
        nodes.values().forEach(node -> {
            if (node.state == State.NOT_OWNED) {
                node.state = State.WAITING;
            }
        });
    }

    /** What is known of the shard, for the checkpoint store. */
    ShardInfo info(String shardId) {
        Node node = nodes.get(shardId);
        if (node == null) {
            return ShardInfo.of(shardId);
        }
        return new ShardInfo(shardId, node.parents, node.range == null ? null : node.range.startingHashKey(),
                node.range == null ? null : node.range.endingHashKey());
    }

    /** A listed shard as the checkpoint store is told of it. */
    static ShardInfo infoOf(Shard shard) {
        List<String> parents = new ArrayList<>(2);
        if (shard.parentShardId() != null) {
            parents.add(shard.parentShardId());
        }
        if (shard.adjacentParentShardId() != null) {
            parents.add(shard.adjacentParentShardId());
        }
        HashKeyRange range = shard.hashKeyRange();
        return new ShardInfo(shard.shardId(), parents, range == null ? null : range.startingHashKey(),
                range == null ? null : range.endingHashKey());
    }

    /** The known children of the shard. */
    List<ShardInfo> children(String shardId) {
        List<ShardInfo> children = new ArrayList<>();
        for (Node node : nodes.values()) {
            if (node.parents.contains(shardId)) {
                children.add(info(node.id));
            }
        }
        return children;
    }

    /** Records the children a closed shard named. Returns whether one has a parent not listed yet. */
    boolean childrenFound(List<ChildShard> children) {
        boolean unknownParent = false;
        for (ChildShard child : children) {
            Node node = nodes.computeIfAbsent(child.shardId(), Node::new);
            if (node.range == null) {
                node.range = child.hashKeyRange();
            }
            for (String parent : child.parentShards()) {
                addParent(node, parent);
                unknownParent |= !nodes.containsKey(parent);
            }
        }
        return unknownParent;
    }

    private static void addParent(Node node, String parent) {
        if (parent != null && !node.parents.contains(parent)) {
            node.parents.add(parent);
        }
    }

    /** The waiting shards whose parents are finished, in discovery order. */
    List<String> startable() {
        List<String> ready = new ArrayList<>();
        for (Node node : nodes.values()) {
            if (node.state == State.WAITING && parentsFinished(node)) {
                ready.add(node.id);
            }
        }
        return ready;
    }

    private boolean parentsFinished(Node node) {
        for (String parentId : node.parents) {
            Node parent = nodes.get(parentId);
            if (parent == null) {
                // gone from ListShards (past retention) only if the child itself was listed without it
                if (!node.listed) {
                    return false;
                }
            } else if (parent.state != State.FINISHED && parent.state != State.GONE) {
                return false;
            }
        }
        return true;
    }

    /** Whether the shard was in the channel's first listing (it then starts at the configured starting position). */
    boolean initial(String shardId) {
        Node node = nodes.get(shardId);
        return node != null && node.initial;
    }

    /** The hash keys the shard owns, from ListShards or its parent's GetRecords answer; null if unknown or invalid. */
    HashRange hashRange(String shardId) {
        Node node = nodes.get(shardId);
        if (node == null || node.range == null) {
            return null;
        }
        try {
            return HashRange.of(node.range);
        } catch (RuntimeException invalid) {
            return null;
        }
    }

    State state(String shardId) {
        Node node = nodes.get(shardId);
        return node == null ? null : node.state;
    }

    void moveTo(String shardId, State state) {
        Node node = nodes.get(shardId);
        if (node != null) {
            node.state = state;
        }
    }

    int count(State state) {
        return (int) nodes.values().stream().filter(node -> node.state == state).count();
    }
}
