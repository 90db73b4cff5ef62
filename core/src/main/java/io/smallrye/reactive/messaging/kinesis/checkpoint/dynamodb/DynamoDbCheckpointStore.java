package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.checkpoint.StreamInfo;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseExceptions;
import io.smallrye.reactive.messaging.kinesis.inspect.LeaseItem;
import io.smallrye.reactive.messaging.providers.connectors.ExecutionHolder;

/**
 * {@code checkpoint-store=dynamodb}: the nodes of an application share the shards of a stream through a DynamoDB
 * lease table in the KCL's format (one item per shard, named by {@code application-name}). A node reads a shard only
 * while it holds the shard's lease; leases are balanced across nodes, taken over when their holder stops renewing
 * them, and carry the checkpoint, so a restarted or replacement node continues where the last one stopped.
 * <p>
 * A channel reading several streams ({@code streams}) has one store per stream, all in the channel's one table, with
 * the KCL's multi-stream lease keys ({@link LeaseKeys}): each store takes, balances, hands over and cleans up the
 * leases of its own stream only.
 * <p>
 * Each store has a lease coordinator with a Vert.x context of its own: the store's Unis complete there, and the
 * {@link OwnershipListener} is called there.
 */
public class DynamoDbCheckpointStore implements CheckpointStore {

    public static final String IDENTIFIER = "dynamodb";

    /** Creates one store per stream of a channel; each channel has a lease table of its own. */
    @ApplicationScoped
    @Identifier(IDENTIFIER)
    public static class Factory implements CheckpointStore.Factory {

        @Inject
        KinesisClients clients;

        @Inject
        ExecutionHolder executionHolder;

        /** Lease tables in use, by name: the channel using each. */
        private final Map<String, String> tables = new ConcurrentHashMap<>();

        @Override
        public CheckpointStore create(KinesisConnectorIncomingConfiguration configuration, String stream,
                OwnershipListener listener) {
            LeaseSettings settings = LeaseSettings.from(configuration, stream);
            String other = tables.putIfAbsent(settings.tableName(), settings.channel());
            if (other != null && !other.equals(settings.channel())) {
                throw KinesisLeaseExceptions.ex.tableShared(settings.channel(), settings.tableName(), other);
            }
            return new DynamoDbCheckpointStore(new LeaseCoordinator(settings, clients.dynamoDbClientFor(configuration),
                    executionHolder.vertx().getDelegate(), listener));
        }
    }

    private final LeaseCoordinator coordinator;

    DynamoDbCheckpointStore(LeaseCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public Uni<ShardClaim> claim(String shardId) {
        return coordinator.claim(ShardInfo.of(shardId));
    }

    @Override
    public Uni<ShardClaim> claim(ShardInfo shard) {
        return coordinator.claim(shard);
    }

    @Override
    public void streamDescribed(StreamInfo stream) {
        coordinator.streamDescribed(stream);
    }

    @Override
    public void shardsListed(List<ShardInfo> shards) {
        coordinator.listed(shards);
    }

    @Override
    public Uni<Void> save(String shardId, ShardPosition position) {
        return coordinator.save(shardId, position);
    }

    @Override
    public Uni<Void> ended(String shardId) {
        return coordinator.ended(shardId, List.of());
    }

    @Override
    public Uni<Void> ended(String shardId, List<ShardInfo> children) {
        return coordinator.ended(shardId, children);
    }

    @Override
    public Uni<Void> release(String shardId, ShardPosition position) {
        return coordinator.release(shardId, position);
    }

    /** The items of the lease table now (a Scan), for tools (the Dev UI); the Uni completes on any thread. */
    public Uni<List<LeaseItem>> leaseItems() {
        return coordinator.scanTable().map(leases -> leases.stream()
                .map(lease -> new LeaseItem(coordinator.tableKey(lease.key()), lease.owner(), lease.counter(),
                        lease.subSequenceNumber() == 0 ? lease.checkpoint()
                                : lease.checkpoint() + "/" + lease.subSequenceNumber()))
                .toList());
    }

    @Override
    public List<String> problems() {
        return coordinator.problems();
    }

    @Override
    public Uni<Void> close() {
        return coordinator.close();
    }
}
