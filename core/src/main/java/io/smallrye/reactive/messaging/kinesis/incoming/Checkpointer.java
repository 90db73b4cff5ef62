package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.checkpoint.StreamInfo;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;

/**
 * Hands the completed positions of a channel's shards to its {@link CheckpointStore}: periodically (only what moved),
 * when a closed shard is fully processed, and when the channel stops. Used on the channel context: each call to the
 * store is subscribed at once, and its answer hops back onto the channel context (a store may answer on any thread).
 * The stages returned complete there. The store's failures are logged (one line, rate-limited per shard and
 * operation: an unreachable store does not write a line per save), a later save carries the position again.
 */
final class Checkpointer {

    private final String channel;
    private final String stream;
    private final CheckpointStore store;
    private final ChannelContext context;
    private final KinesisMetrics metrics;
    private final Map<String, ShardPosition> saved = new HashMap<>();
    private final CallFailures failures;

    Checkpointer(String channel, String stream, CheckpointStore store, ChannelContext context, KinesisMetrics metrics) {
        this.channel = channel;
        this.stream = stream;
        this.store = store;
        this.context = context;
        this.metrics = metrics;
        this.failures = new CallFailures(channel);
    }

    CheckpointStore store() {
        return store;
    }

    /** Tells the store what Kinesis says of its stream; a failing store is logged, never fatal. */
    void streamDescribed(StreamInfo info) {
        try {
            store.streamDescribed(info);
        } catch (RuntimeException e) {
            failures.failed("listing", "of stream " + stream, e,
                    summary -> KinesisIncomingLogging.log.storeRefusedListing(channel, stream, summary));
        }
    }

    /** Hands a complete listing of the stream's shards to the store; a failing store is logged, never fatal. */
    void listed(List<ShardInfo> shards) {
        try {
            store.shardsListed(shards);
        } catch (RuntimeException e) {
            failures.failed("listing", "of stream " + stream, e,
                    summary -> KinesisIncomingLogging.log.storeRefusedListing(channel, stream, summary));
        }
    }

    /**
     * Asks the store whether the channel may read the shard, and from where. The stage completes on the channel
     * context; it fails when the store fails (or answers nothing), to be logged by the caller.
     */
    CompletionStage<ShardClaim> claim(ShardInfo shard) {
        return Uni.createFrom().deferred(() -> store.claim(shard))
                .emitOn(context)
                .subscribeAsCompletionStage();
    }

    /** Saves the positions that moved since their last save. */
    void saveMoved(Collection<ShardProgress> shards) {
        for (ShardProgress shard : shards) {
            ShardPosition position = shard.completedPosition();
            if (position != null && !position.equals(saved.get(shard.shardId()))) {
                saved.put(shard.shardId(), position);
                save(shard.shardId(), position).subscribe().with(ignored -> {
                });
            }
        }
    }

    private Uni<Void> save(String shardId, ShardPosition position) {
        return call("save", shardId, () -> store.save(shardId, position)
                .invoke(() -> metrics.checkpointWritten(channel, stream, shardId)));
    }

    /** The shard is closed and every record completed: saves its last position, then records its end. */
    CompletionStage<Void> ended(ShardProgress shard, List<ShardInfo> children) {
        ShardPosition position = shard.completedPosition();
        Uni<Void> last = position == null || position.equals(saved.get(shard.shardId()))
                ? Uni.createFrom().voidItem()
                : save(shard.shardId(), position);
        saved.remove(shard.shardId());
        return last.chain(() -> call("record the end", shard.shardId(), () -> store.ended(shard.shardId(), children)))
                .subscribeAsCompletionStage();
    }

    /** The channel no longer reads the shard (shutdown): hands its last position to the store. */
    CompletionStage<Void> release(ShardProgress shard) {
        return releasing(shard.shardId(), shard.completedPosition()).subscribeAsCompletionStage();
    }

    /** The channel no longer reads the shard, or will not start reading it after all. */
    CompletionStage<Void> release(String shardId, ShardPosition position) {
        return releasing(shardId, position).subscribeAsCompletionStage();
    }

    private Uni<Void> releasing(String shardId, ShardPosition position) {
        saved.remove(shardId);
        return call("release", shardId, () -> store.release(shardId, position));
    }

    /** Releases every shard, then closes the store. */
    CompletionStage<Void> releaseAllAndClose(Collection<ShardProgress> shards) {
        List<Uni<Void>> releases = shards.stream()
                .map(shard -> releasing(shard.shardId(), shard.completedPosition()))
                .toList();
        Uni<Void> released = releases.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(releases).andFailFast().replaceWithVoid();
        return released.chain(() -> call("close", "(all)", store::close)).subscribeAsCompletionStage();
    }

    /**
     * Calls the store when subscribed; its answer hops onto the channel context, where a failure (thrown, in the Uni,
     * or no Uni at all) is logged and the Uni completes normally.
     */
    private Uni<Void> call(String operation, String shardId, Supplier<Uni<Void>> action) {
        return Uni.createFrom().deferred(action::get)
                .emitOn(context)
                .onItemOrFailure().transform((ignored, failure) -> {
                    if (failure != null) {
                        failed(operation, shardId, failure);
                    } else {
                        succeeded(operation, shardId);
                    }
                    return null;
                });
    }

    /** A call to the store worked: its next failure is logged at once. */
    void succeeded(String operation, String shardId) {
        failures.succeeded(operation, "for shard " + shardId);
    }

    /** Logs a failure of the store (one line, rate-limited per operation and shard). */
    void failed(String operation, String shardId, Throwable failure) {
        failures.failed(operation, "for shard " + shardId, failure,
                summary -> KinesisIncomingLogging.log.checkpointFailed(channel, operation, shardId, summary));
    }
}
