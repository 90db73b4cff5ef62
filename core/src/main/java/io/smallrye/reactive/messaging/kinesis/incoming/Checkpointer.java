package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;

/**
 * Hands the completed positions of a channel's shards to its {@link CheckpointStore}: periodically (only what moved),
 * when a closed shard is fully processed, and when the channel stops. Used on the channel context; the store's
 * failures are logged (one line, rate-limited per shard and operation: an unreachable store does not write a line per
 * save), a later save carries the position again.
 */
final class Checkpointer {

    private final String channel;
    private final String stream;
    private final CheckpointStore store;
    private final KinesisMetrics metrics;
    private final Map<String, ShardPosition> saved = new HashMap<>();
    private final CallFailures failures;

    Checkpointer(String channel, String stream, CheckpointStore store, KinesisMetrics metrics) {
        this.channel = channel;
        this.stream = stream;
        this.store = store;
        this.metrics = metrics;
        this.failures = new CallFailures(channel);
    }

    CheckpointStore store() {
        return store;
    }

    /** Saves the positions that moved since their last save. */
    void saveMoved(Collection<ShardProgress> shards) {
        for (ShardProgress shard : shards) {
            ShardPosition position = shard.completedPosition();
            if (position != null && !position.equals(saved.get(shard.shardId()))) {
                saved.put(shard.shardId(), position);
                save(shard.shardId(), position);
            }
        }
    }

    private CompletionStage<Void> save(String shardId, ShardPosition position) {
        return call("save", shardId, () -> {
            CompletionStage<Void> saving = store.save(shardId, position);
            return saving == null ? null : saving.thenRun(() -> metrics.checkpointWritten(channel, stream, shardId));
        });
    }

    /** The shard is closed and every record completed: saves its last position, then records its end. */
    CompletionStage<Void> ended(ShardProgress shard, List<ShardInfo> children) {
        ShardPosition position = shard.completedPosition();
        CompletionStage<Void> last = position == null || position.equals(saved.get(shard.shardId()))
                ? CompletableFuture.completedFuture(null)
                : save(shard.shardId(), position);
        saved.remove(shard.shardId());
        return last
                .thenCompose(ignored -> call("record the end", shard.shardId(), () -> store.ended(shard.shardId(), children)));
    }

    /** The channel no longer reads the shard (shutdown): hands its last position to the store. */
    CompletionStage<Void> release(ShardProgress shard) {
        return release(shard.shardId(), shard.completedPosition());
    }

    /** The channel no longer reads the shard, or will not start reading it after all. */
    CompletionStage<Void> release(String shardId, ShardPosition position) {
        saved.remove(shardId);
        return call("release", shardId, () -> store.release(shardId, position));
    }

    /** Releases every shard, then closes the store. */
    CompletionStage<Void> releaseAllAndClose(Collection<ShardProgress> shards) {
        List<CompletableFuture<Void>> releases = new ArrayList<>();
        for (ShardProgress shard : shards) {
            releases.add(release(shard).toCompletableFuture());
        }
        return CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new))
                .thenCompose(ignored -> call("close", "(all)", store::close));
    }

    /** Calls the store; a failure (thrown or in the stage) is logged and the stage completes normally. */
    private CompletionStage<Void> call(String operation, String shardId, Supplier<CompletionStage<Void>> action) {
        CompletionStage<Void> stage;
        try {
            stage = Objects.requireNonNull(action.get(), "the checkpoint store returned no stage");
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.handle((ignored, failure) -> {
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
