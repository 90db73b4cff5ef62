package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.Map;

import io.smallrye.reactive.messaging.kinesis.checkpoint.StreamInfo;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseExceptions;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How the lease table names the leases of the store's stream. A channel of one stream ({@code stream}) keys a lease
 * by its shard id, as a KCL single-stream application does. A channel of several streams ({@code streams}) keys it
 * as a KCL multi-stream application ({@code MultiStreamLease}): {@code account-id:stream-name:creation-epoch:shard-id},
 * with the attributes {@code streamName} (the {@code account-id:stream-name:creation-epoch} stream identifier) and
 * {@code shardId}; parent and child shard ids stay plain shard ids, as the KCL writes them. The stream identifier is
 * known once the stream was described ({@link #describe(StreamInfo)}, before the first claim).
 * <p>
 * The leases the coordinator handles are keyed by shard id either way: {@link LeaseTable} turns them into table keys
 * on the way out and back on the way in, and leaves out, in a multi-stream table, the leases of other streams (each
 * stream has its own coordinator, balancing and clean-up). Set on the coordinator's context, read from any thread.
 */
final class LeaseKeys {

    static final String STREAM_NAME = "streamName";
    static final String SHARD_ID = "shardId";

    private final String channel;
    private final String stream;
    private final boolean multiStream;
    private volatile String streamIdentifier;

    LeaseKeys(String channel, String stream, boolean multiStream) {
        this.channel = channel;
        this.stream = stream;
        this.multiStream = multiStream;
    }

    /** Learns the stream's identifier (multi-stream keys); fails when Kinesis did not tell enough to make it. */
    void describe(StreamInfo info) {
        if (!multiStream) {
            return;
        }
        String identifier = info.kclMultiStreamId();
        if (identifier == null) {
            throw KinesisLeaseExceptions.ex.streamNotIdentified(channel, stream, String.valueOf(info.streamArn()),
                    String.valueOf(info.createdAt()));
        }
        streamIdentifier = identifier;
    }

    boolean multiStream() {
        return multiStream;
    }

    /** The table key of a shard's lease. */
    String key(String shardId) {
        return multiStream ? identifier() + ":" + shardId : shardId;
    }

    /** A lease read from the table, keyed by shard id; null when it belongs to another stream. */
    Lease fromItem(Map<String, AttributeValue> item) {
        Lease lease = Lease.fromItem(item);
        if (!multiStream) {
            return lease;
        }
        String prefix = identifier() + ":";
        return lease.key() != null && lease.key().startsWith(prefix) ? lease.withKey(lease.key().substring(prefix.length()))
                : null;
    }

    /** The item of a lease keyed by shard id, as the table holds it. */
    Map<String, AttributeValue> toItem(Lease lease) {
        if (!multiStream) {
            return lease.toItem();
        }
        Map<String, AttributeValue> item = lease.withKey(key(lease.key())).toItem();
        item.put(STREAM_NAME, Lease.s(identifier()));
        item.put(SHARD_ID, Lease.s(lease.key()));
        return item;
    }

    private String identifier() {
        String identifier = streamIdentifier;
        if (identifier == null) {
            throw KinesisLeaseExceptions.ex.streamNotDescribedYet(channel, stream);
        }
        return identifier;
    }
}
