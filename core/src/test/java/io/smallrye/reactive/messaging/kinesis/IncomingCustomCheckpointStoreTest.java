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
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;
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

    @Test
    void theStoreIsToldOfCompleteShardListingsOnlyNeverOfAListingWhosePageFailed() {
        ScriptedKinesis kinesis = new ScriptedKinesis();
        List<String> shards = List.of(SHARD, "shardId-000000000001", "shardId-000000000002");
        shards.forEach(kinesis::addShard); // one shard per ListShards page
        ClientBean.use(kinesis);
        WorkerPoolStore store = new WorkerPoolStore();
        WorkerPoolStore.current = store;
        addBeans(ClientBean.class, WorkerPoolStore.Factory.class);
        runApplication(new MapBasedConfig()
                .with("mp.messaging.incoming.custom-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.custom-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.custom-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.custom-in.shard-discovery-interval", "2s")
                .with("mp.messaging.incoming.custom-in.checkpoint-store", "worker-pool-store"), Collector.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.listings.size() >= 1);
        assertThat(store.listings.get(0)).containsExactlyElementsOf(shards);
        assertThat(store.callsBeforeListing.get(0)).as("told before the claims").isZero();

        // the next listing: its first page answers, its second fails
        kinesis.holdListShards();
        int listed = store.listings.size();
        int calls = kinesis.listShardsCalls();
        await().atMost(Duration.ofSeconds(5)).until(() -> kinesis.listShardsCalls() == calls + 1);
        kinesis.failListShardsCalls(1, ScriptedKinesis::limitExceeded);
        kinesis.releaseListShards();
        await().atMost(Duration.ofSeconds(5)).until(() -> kinesis.listShardsCalls() >= calls + 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> store.listings.size() > listed);
        assertThat(store.listings).as("never a partial listing").allSatisfy(
                listing -> assertThat(listing).containsExactlyElementsOf(shards));
        assertThat(store.listings.size()).isEqualTo(listed + 1);
    }

    /** Keeps checkpoints in a map; every answer is emitted on a worker thread, never on the caller's. */
    public static class WorkerPoolStore implements CheckpointStore {
        static volatile WorkerPoolStore current;
        final Map<String, ShardPosition> checkpoints = new ConcurrentHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<List<String>> listings = new CopyOnWriteArrayList<>();
        final List<Integer> callsBeforeListing = new CopyOnWriteArrayList<>();

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
        public void shardsListed(List<ShardInfo> shards) {
            callsBeforeListing.add(calls.size());
            listings.add(shards.stream().map(ShardInfo::shardId).toList());
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
