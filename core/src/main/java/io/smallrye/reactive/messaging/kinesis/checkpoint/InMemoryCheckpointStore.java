package io.smallrye.reactive.messaging.kinesis.checkpoint;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;

/**
 * The default checkpoint store: positions live in the channel's memory, so they survive the restart of a shard's
 * reader but not of the application. Every shard is the channel's own.
 */
public class InMemoryCheckpointStore implements CheckpointStore {

    public static final String IDENTIFIER = "in-memory";

    /** Creates one store per channel. */
    @ApplicationScoped
    @Identifier(IDENTIFIER)
    public static class Factory implements CheckpointStore.Factory {
        @Override
        public CheckpointStore create(KinesisConnectorIncomingConfiguration configuration, String stream,
                OwnershipListener listener) {
            return new InMemoryCheckpointStore();
        }
    }

    private final Map<String, ShardPosition> positions = new ConcurrentHashMap<>();
    private final Set<String> ended = ConcurrentHashMap.newKeySet();

    @Override
    public Uni<ShardClaim> claim(String shardId) {
        return Uni.createFrom().item(() -> {
            if (ended.contains(shardId)) {
                return ShardClaim.alreadyEnded();
            }
            ShardPosition position = positions.get(shardId);
            return position == null ? ShardClaim.noCheckpoint() : ShardClaim.resumeAfter(position);
        });
    }

    @Override
    public Uni<Void> save(String shardId, ShardPosition position) {
        // the last position wins, even a lower one: after a lost position (a recreated stream), reading goes on from
        // new positions, which need not be higher than the lost one
        return Uni.createFrom().voidItem().invoke(() -> positions.put(shardId, position));
    }

    @Override
    public Uni<Void> ended(String shardId) {
        return Uni.createFrom().voidItem().invoke(() -> ended.add(shardId));
    }

    @Override
    public Uni<Void> release(String shardId, ShardPosition position) {
        return position == null ? Uni.createFrom().voidItem() : save(shardId, position);
    }

    /** The last saved position of a shard, empty when nothing was saved. */
    public Optional<ShardPosition> position(String shardId) {
        return Optional.ofNullable(positions.get(shardId));
    }

    /** Whether the shard was recorded as closed and fully processed. */
    public boolean hasEnded(String shardId) {
        return ended.contains(shardId);
    }
}
