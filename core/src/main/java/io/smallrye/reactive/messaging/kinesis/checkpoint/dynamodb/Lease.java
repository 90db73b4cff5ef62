package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One item of the lease table, in the KCL's lease item format, so that a table written by a KCL 2.x/3.x application
 * can be continued and KCL tooling can read ours. Attributes the KCL has and we do not maintain (pending checkpoints,
 * throughput) are kept as they are by our conditional updates, never written. KCL 3's {@code checkpointOwner} is
 * maintained with the KCL 3's meaning: while a lease is handed over for balance, {@code leaseOwner} is the node taking
 * it and {@code checkpointOwner} the node still holding it, until that node wrote its last checkpoint and removed the
 * attribute ({@link LeaseHandOffs}).
 *
 * @param key the shard id ({@code leaseKey})
 * @param owner the worker holding the lease, null when nobody does ({@code leaseOwner})
 * @param counter bumped by every write; its change is how the holder shows it is alive ({@code leaseCounter})
 * @param checkpoint a sequence number, or one of TRIM_HORIZON, LATEST, AT_TIMESTAMP, SHARD_END ({@code checkpoint})
 * @param subSequenceNumber the user record within an aggregated record ({@code checkpointSubSequenceNumber})
 * @param ownerSwitches owner changes since the last checkpoint ({@code ownerSwitchesSinceCheckpoint})
 * @param parents the shards this one came from ({@code parentShardId}, a string set)
 * @param children the shards this one was split or merged into, written at its end ({@code childShardIds})
 * @param startingHashKey the shard's lowest hash key ({@code startingHashKey})
 * @param endingHashKey the shard's highest hash key ({@code endingHashKey})
 * @param checkpointOwner during a graceful hand-off, the worker still reading the shard, which writes the last
 *        checkpoint; null otherwise ({@code checkpointOwner})
 */
record Lease(String key, String owner, long counter, String checkpoint, long subSequenceNumber, long ownerSwitches,
        List<String> parents, List<String> children, String startingHashKey, String endingHashKey,
        String checkpointOwner) {

    static final String LEASE_KEY = "leaseKey";
    static final String LEASE_OWNER = "leaseOwner";
    static final String LEASE_COUNTER = "leaseCounter";
    static final String CHECKPOINT = "checkpoint";
    static final String CHECKPOINT_SUB_SEQUENCE = "checkpointSubSequenceNumber";
    static final String OWNER_SWITCHES = "ownerSwitchesSinceCheckpoint";
    static final String PARENT_SHARD_IDS = "parentShardId";
    static final String CHILD_SHARD_IDS = "childShardIds";
    static final String STARTING_HASH_KEY = "startingHashKey";
    static final String ENDING_HASH_KEY = "endingHashKey";
    static final String CHECKPOINT_OWNER = "checkpointOwner";

    static final String TRIM_HORIZON = "TRIM_HORIZON";
    static final String LATEST = "LATEST";
    static final String AT_TIMESTAMP = "AT_TIMESTAMP";
    static final String SHARD_END = "SHARD_END";

    Lease {
        parents = parents == null ? List.of() : List.copyOf(parents);
        children = children == null ? List.of() : List.copyOf(children);
    }

    /** A lease not being handed over. */
    Lease(String key, String owner, long counter, String checkpoint, long subSequenceNumber, long ownerSwitches,
            List<String> parents, List<String> children, String startingHashKey, String endingHashKey) {
        this(key, owner, counter, checkpoint, subSequenceNumber, ownerSwitches, parents, children, startingHashKey,
                endingHashKey, null);
    }

    /** Whether a graceful hand-off is under way: {@link #checkpointOwner()} still reads, {@link #owner()} waits. */
    boolean handingOff() {
        return checkpointOwner != null;
    }

    /** A lease nobody holds yet, for a shard to be read from {@code checkpoint} (a sentinel). */
    static Lease unowned(String key, String checkpoint, Collection<String> parents, String startingHashKey,
            String endingHashKey) {
        return new Lease(key, null, 0, checkpoint, 0, 0, List.copyOf(parents), List.of(), startingHashKey,
                endingHashKey);
    }

    /** Whether the shard was read to its end and every record processed. */
    boolean ended() {
        return SHARD_END.equals(checkpoint);
    }

    boolean owned() {
        return owner != null;
    }

    Lease withOwner(String newOwner, long newCounter) {
        return new Lease(key, newOwner, newCounter, checkpoint, subSequenceNumber,
                newOwner != null && !newOwner.equals(owner) ? ownerSwitches + 1 : ownerSwitches, parents, children,
                startingHashKey, endingHashKey, null);
    }

    Lease withCheckpoint(ShardPosition position, long newCounter) {
        return new Lease(key, owner, newCounter, position.sequenceNumberAsString(), position.subSequenceNumber(), 0,
                parents, children, startingHashKey, endingHashKey, checkpointOwner);
    }

    /** The same lease under another key (a shard id or a table key, see {@link LeaseKeys}). */
    Lease withKey(String newKey) {
        return new Lease(newKey, owner, counter, checkpoint, subSequenceNumber, ownerSwitches, parents, children,
                startingHashKey, endingHashKey, checkpointOwner);
    }

    Lease withCounter(long newCounter) {
        return new Lease(key, owner, newCounter, checkpoint, subSequenceNumber, ownerSwitches, parents, children,
                startingHashKey, endingHashKey, checkpointOwner);
    }

    /** Where a channel holding this lease starts reading. */
    ShardClaim claim() {
        if (ended()) {
            return ShardClaim.alreadyEnded();
        }
        if (checkpoint == null || LATEST.equals(checkpoint) || AT_TIMESTAMP.equals(checkpoint)) {
            return ShardClaim.noCheckpoint(); // the channel's own starting position
        }
        if (TRIM_HORIZON.equals(checkpoint)) {
            return ShardClaim.fromOldest();
        }
        return ShardClaim.resumeAfter(ShardPosition.of(checkpoint, subSequenceNumber));
    }

    /** The item as the KCL writes it. */
    Map<String, AttributeValue> toItem() {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(LEASE_KEY, s(key));
        if (owner != null) {
            item.put(LEASE_OWNER, s(owner));
        }
        item.put(LEASE_COUNTER, n(counter));
        if (checkpoint != null) {
            item.put(CHECKPOINT, s(checkpoint));
        }
        item.put(CHECKPOINT_SUB_SEQUENCE, n(subSequenceNumber));
        item.put(OWNER_SWITCHES, n(ownerSwitches));
        if (!parents.isEmpty()) {
            item.put(PARENT_SHARD_IDS, AttributeValue.fromSs(parents));
        }
        if (!children.isEmpty()) {
            item.put(CHILD_SHARD_IDS, AttributeValue.fromSs(children));
        }
        if (startingHashKey != null && endingHashKey != null) {
            item.put(STARTING_HASH_KEY, s(startingHashKey));
            item.put(ENDING_HASH_KEY, s(endingHashKey));
        }
        if (checkpointOwner != null) {
            item.put(CHECKPOINT_OWNER, s(checkpointOwner));
        }
        return item;
    }

    /** Reads an item of the table, missing attributes as the KCL reads them (counter 0, no owner, ...). */
    static Lease fromItem(Map<String, AttributeValue> item) {
        return new Lease(string(item, LEASE_KEY), string(item, LEASE_OWNER), number(item, LEASE_COUNTER),
                string(item, CHECKPOINT), number(item, CHECKPOINT_SUB_SEQUENCE), number(item, OWNER_SWITCHES),
                strings(item, PARENT_SHARD_IDS), strings(item, CHILD_SHARD_IDS), string(item, STARTING_HASH_KEY),
                string(item, ENDING_HASH_KEY), string(item, CHECKPOINT_OWNER));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static List<String> strings(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || !value.hasSs() ? List.of() : new ArrayList<>(value.ss());
    }
}
