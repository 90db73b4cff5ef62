package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.Test;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * A checkpoint store written by an application against the Uni SPI, answering on threads of its own (as a store
 * backed by an asynchronous database client does), drives a channel: reading resumes after its checkpoint, the
 * positions reach it, and the channel releases the shard and closes the store when it stops.
 */
class IncomingCustomCheckpointStoreTest extends WeldTestBase {

    static final String SHARD = "shardId-000000000000";

    @Test
    void aCustomUniCheckpointStoreIsClaimedSavedReleasedAndClosedByTheChannel() {
        ScriptedKinesis kinesis = new ScriptedKinesis();
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD).withRecords(30);
        ClientBean.use(kinesis);
        WorkerPoolStore store = new WorkerPoolStore();
        WorkerPoolStore.current = store;
        store.checkpoints.put(SHARD, ShardPosition.of(shard.records.get(9).sequenceNumber()));
        addBeans(ClientBean.class, WorkerPoolStore.Factory.class);

        Collector app = runApplication(new MapBasedConfig()
                .with("mp.messaging.incoming.custom-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.custom-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.custom-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.custom-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.custom-in.checkpoint-store", "worker-pool-store")
                .with("mp.messaging.incoming.custom-in.checkpoint-interval", "100ms"), Collector.class);

        // claimed: reading resumes after the store's checkpoint
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 20);
        assertThat(app.received()).containsExactlyElementsOf(
                IntStream.range(10, 30).mapToObj(i -> SHARD + ":" + i).toList());
        // saved: the position of the last record reaches the store
        ShardPosition last = ShardPosition.of(shard.records.get(29).sequenceNumber());
        await().atMost(Duration.ofSeconds(5)).until(() -> store.calls.contains("save " + SHARD + " " + last));

        // released with the last position when the channel stops, then closed
        container.shutdown();
        assertThat(store.calls).first().isEqualTo("claim " + SHARD);
        assertThat(store.calls).containsSubsequence("save " + SHARD + " " + last, "release " + SHARD + " " + last,
                "close");
        assertThat(store.calls).last().isEqualTo("close");
        assertThat(store.checkpoints).containsEntry(SHARD, last);
    }

    /** Keeps checkpoints in a map; every answer is emitted on a worker thread, never on the caller's. */
    public static class WorkerPoolStore implements CheckpointStore {
        static volatile WorkerPoolStore current;
        final Map<String, ShardPosition> checkpoints = new ConcurrentHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();

        @ApplicationScoped
        @Identifier("worker-pool-store")
        public static class Factory implements CheckpointStore.Factory {
            @Override
            public CheckpointStore create(KinesisConnectorIncomingConfiguration configuration, String stream,
                    OwnershipListener listener) {
                return current;
            }
        }

        private static <T> Uni<T> later(T item) {
            return Uni.createFrom().item(item).emitOn(Infrastructure.getDefaultWorkerPool());
        }

        @Override
        public Uni<ShardClaim> claim(String shardId) {
            return Uni.createFrom().item(() -> {
                calls.add("claim " + shardId);
                ShardPosition checkpoint = checkpoints.get(shardId);
                return checkpoint == null ? ShardClaim.noCheckpoint() : ShardClaim.resumeAfter(checkpoint);
            }).chain(WorkerPoolStore::later);
        }

        @Override
        public Uni<Void> save(String shardId, ShardPosition position) {
            return Uni.createFrom().voidItem().invoke(() -> {
                calls.add("save " + shardId + " " + position);
                checkpoints.put(shardId, position);
            }).chain(WorkerPoolStore::later);
        }

        @Override
        public Uni<Void> ended(String shardId) {
            return Uni.createFrom().voidItem().invoke(() -> calls.add("ended " + shardId)).chain(WorkerPoolStore::later);
        }

        @Override
        public Uni<Void> release(String shardId, ShardPosition position) {
            return Uni.createFrom().voidItem().invoke(() -> {
                calls.add("release " + shardId + " " + position);
                if (position != null) {
                    checkpoints.put(shardId, position);
                }
            }).chain(WorkerPoolStore::later);
        }

        @Override
        public Uni<Void> close() {
            return Uni.createFrom().voidItem().invoke(() -> calls.add("close")).chain(WorkerPoolStore::later);
        }
    }

    @ApplicationScoped
    public static class Collector {
        private final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return new ArrayList<>(received);
        }

        @Incoming("custom-in")
        void consume(byte[] payload) {
            received.add(new String(payload, StandardCharsets.UTF_8));
        }
    }
}
