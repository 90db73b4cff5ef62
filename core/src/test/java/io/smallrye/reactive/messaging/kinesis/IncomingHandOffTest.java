package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.client.AllLogs;
import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * The channel's side of a graceful hand-off, against {@link ScriptedKinesis} and a store the test drives: asked to
 * hand a shard over, the channel stops reading it, waits for the records in flight to be acked, then releases it with
 * the last one's position. Once the channel stopped, the store's news of a hand-off or a loss changes nothing: the stop
 * already stopped the readers and released their positions. A claim answered, or a hand-off under way, while the channel
 * stops releases its shard before the store is closed.
 */
class IncomingHandOffTest extends ScriptedKinesisTestBase {

    static final String SHARD = "shardId-000000000000";
    static final String SHARD_1 = "shardId-000000000001";

    @Test
    void aShardHandedOverIsReleasedAtItsLastRecordOnceTheRecordsInFlightAreAcked() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD).withRecords(20);
        HandOffStore store = new HandOffStore();
        HandOffStore.current = store;
        addBeans(HandOffStore.Factory.class);
        SlowApp app = runApplication(new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.scripted-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.scripted-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.scripted-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.scripted-in.checkpoint-interval", "1h")
                .with("mp.messaging.incoming.scripted-in.checkpoint-store", "hand-off-store"), SlowApp.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.held().size() == 20);

        store.listener.shardHandOff(SHARD, Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> connector().inboundChannel("scripted-in").activeShards() == 0);
        shard.withRecords(5); // written after the stop: left to the next holder
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(store.events).as("no release while records are in flight").isEmpty();

        List<Message<byte[]>> inFlight = app.held();
        inFlight.forEach(message -> {
            store.events.add("ack");
            message.ack();
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> store.events.stream().anyMatch(e -> e.startsWith("release")));
        ShardPosition last = ShardPosition.of(shard.records.get(19).sequenceNumber());
        assertThat(store.events).hasSize(21).last().isEqualTo("release " + last);
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(app.held()).as("nothing read after the hand-off").hasSize(20);
    }

    @Test
    void afterTheChannelStoppedNewsOfAHandOffReleasesNothingAgainAndStopsNoReaderAgain() {
        HandOffStore store = channelStoppedByAFailure();
        try (AllLogs logs = AllLogs.debugOf("io.smallrye.reactive.messaging.kinesis")) {
            store.listener.shardHandOff(SHARD, Duration.ofMillis(50));
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);

            assertThat(logs.containing("handed over to another consumer")).isEmpty();
        }
        assertThat(store.events.stream().filter(e -> e.startsWith("release"))).as("released once, by the stop")
                .hasSize(1);
        assertThat(store.events).last().isEqualTo("close");
        assertThat(IncomingMetricsTest.RecordingIncomingMetrics.STOPPED_SHARDS).containsExactly(SHARD);
    }

    @Test
    void afterTheChannelStoppedNewsOfALossStopsNoReaderAgain() {
        HandOffStore store = channelStoppedByAFailure();
        try (AllLogs logs = AllLogs.debugOf("io.smallrye.reactive.messaging.kinesis")) {
            store.listener.shardLost(SHARD);
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);

            assertThat(logs.containing("lost to another consumer")).isEmpty();
        }
        assertThat(store.events).last().isEqualTo("close");
        assertThat(IncomingMetricsTest.RecordingIncomingMetrics.STOPPED_SHARDS).containsExactly(SHARD);
    }

    @Test
    void aShardWhoseEndIsRecordedWhileTheChannelStopsIsReportedStoppedOnce() {
        kinesis.addShard(SHARD).withRecords(5).closedWithChildren();
        EndHeldStore store = new EndHeldStore();
        SlowApp app = holdingTheFiveRecordsWith(store);
        app.held().forEach(Message::ack);
        await().atMost(Duration.ofSeconds(5)).until(() -> store.events.contains("ended"));

        container.shutdown(); // the store answers the end while the channel releases its shards
        assertThat(store.events).last().isEqualTo("close");
        assertThat(IncomingMetricsTest.RecordingIncomingMetrics.STOPPED_SHARDS).containsExactly(SHARD);
    }

    @Test
    void aClaimAnsweredWhileTheChannelStopsReleasesTheShardBeforeTheStoreCloses() {
        kinesis.addShard(SHARD).withRecords(5);
        kinesis.addShard(SHARD_1);
        ClaimHeldStore store = new ClaimHeldStore();
        SlowApp app = holdingTheFiveRecordsWith(store);
        app.held().forEach(Message::ack); // the stop has no record to wait for

        CompletableFuture<Void> shutdown = shutdownInBackground();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> IncomingMetricsTest.RecordingIncomingMetrics.STOPPED_SHARDS.contains(SHARD));
        closedWithinASecond(store);
        ShardPosition checkpoint = ShardPosition.of("12345");
        store.claimAnswer.complete(ShardClaim.resumeAfter(checkpoint)); // the shard is owned: released at once
        assertThat(shutdown).succeedsWithin(Duration.ofSeconds(15));

        assertThat(store.events.stream().filter(e -> e.equals("release " + checkpoint))).as("released once")
                .hasSize(1);
        assertThat(store.events).as("released before the store closed")
                .containsSubsequence("release " + checkpoint, "close");
        assertThat(store.events).last().isEqualTo("close");
    }

    @Test
    void aShardHandedOverWhileTheChannelStopsIsReleasedAtItsLastRecordBeforeTheStoreCloses() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD).withRecords(5);
        kinesis.addShard(SHARD_1); // read, nothing in it: its reader tells when the stop began
        HandOffStore store = new HandOffStore();
        SlowApp app = holdingTheFiveRecordsWith(store);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> connector().inboundChannel("scripted-in").activeShards() == 2);
        store.listener.shardHandOff(SHARD, Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> connector().inboundChannel("scripted-in").activeShards() == 1);

        List<Message<byte[]>> inFlight = app.held();
        CompletableFuture<Void> shutdown = shutdownInBackground();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> IncomingMetricsTest.RecordingIncomingMetrics.STOPPED_SHARDS.contains(SHARD_1));
        closedWithinASecond(store);
        inFlight.forEach(Message::ack); // the hand-off's records in flight complete while the channel stops
        assertThat(shutdown).succeedsWithin(Duration.ofSeconds(15));

        ShardPosition last = ShardPosition.of(shard.records.get(4).sequenceNumber());
        assertThat(store.events.stream().filter(e -> e.equals("release " + last))).as("released once").hasSize(1);
        assertThat(store.events).as("released before the store closed").containsSubsequence("release " + last,
                "close");
        assertThat(store.events).last().isEqualTo("close");
    }

    /** Shuts the application down on a thread of its own: the channel's close waits for its store there. */
    private CompletableFuture<Void> shutdownInBackground() {
        return CompletableFuture.runAsync(container::shutdown, task -> new Thread(task, "shutdown").start());
    }

    /** Gives a stop that does not wait for the store's work under way a second to close the store. */
    private static void closedWithinASecond(HandOffStore store) {
        try {
            await().atMost(Duration.ofSeconds(1)).until(() -> store.events.contains("close"));
        } catch (ConditionTimeoutException stillOpen) {
            // the stop waits: as it should
        }
    }

    /** A channel that read the shard and then failed (a nack, failure-strategy fail): its stop closed the store. */
    private HandOffStore channelStoppedByAFailure() {
        kinesis.addShard(SHARD).withRecords(5);
        HandOffStore store = new HandOffStore();
        SlowApp app = holdingTheFiveRecordsWith(store);

        app.held().get(0).nack(new IllegalStateException("the application fails"));
        await().atMost(Duration.ofSeconds(5)).until(() -> store.events.contains("close"));
        assertThat(IncomingMetricsTest.RecordingIncomingMetrics.STOPPED_SHARDS).containsExactly(SHARD);
        return store;
    }

    /** The application, reading the shard through {@code store} (stopped shards recorded), holding its 5 records. */
    private SlowApp holdingTheFiveRecordsWith(HandOffStore store) {
        HandOffStore.current = store;
        IncomingMetricsTest.RecordingIncomingMetrics.STOPPED_SHARDS.clear();
        addBeans(HandOffStore.Factory.class, IncomingMetricsTest.RecordingIncomingMetrics.class);
        SlowApp app = runApplication(config(), SlowApp.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.held().size() == 5);
        return app;
    }

    private static MapBasedConfig config() {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.scripted-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.scripted-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.scripted-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.scripted-in.checkpoint-interval", "1h")
                .with("mp.messaging.incoming.scripted-in.checkpoint-store", "hand-off-store");
    }

    /**
     * A {@link HandOffStore} that answers the end of a shard only when the channel releases a shard (at its stop): the
     * end is recorded while the channel stops.
     */
    public static class EndHeldStore extends HandOffStore {
        private final CompletableFuture<Void> endAnswer = new CompletableFuture<>();

        @Override
        public Uni<Void> ended(String shardId) {
            events.add("ended");
            return Uni.createFrom().completionStage(endAnswer);
        }

        @Override
        public Uni<Void> release(String shardId, ShardPosition position) {
            endAnswer.complete(null);
            return super.release(shardId, position);
        }
    }

    /** A {@link HandOffStore} that answers the claim of {@link #SHARD_1} only when the test completes its answer. */
    public static class ClaimHeldStore extends HandOffStore {
        final CompletableFuture<ShardClaim> claimAnswer = new CompletableFuture<>();

        @Override
        public Uni<ShardClaim> claim(String shardId) {
            return SHARD_1.equals(shardId) ? Uni.createFrom().completionStage(claimAnswer) : super.claim(shardId);
        }
    }

    /** A store that hands out every shard and records its releases and its close. */
    public static class HandOffStore implements CheckpointStore {
        static volatile HandOffStore current;
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile OwnershipListener listener;

        @ApplicationScoped
        @Identifier("hand-off-store")
        public static class Factory implements CheckpointStore.Factory {
            @Override
            public CheckpointStore create(KinesisConnectorIncomingConfiguration configuration, String stream,
                    OwnershipListener listener) {
                current.listener = listener;
                return current;
            }
        }

        @Override
        public Uni<ShardClaim> claim(String shardId) {
            return Uni.createFrom().item(ShardClaim.noCheckpoint());
        }

        @Override
        public Uni<Void> save(String shardId, ShardPosition position) {
            events.add("save " + position);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> ended(String shardId) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> release(String shardId, ShardPosition position) {
            events.add("release " + position);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> close() {
            events.add("close");
            return Uni.createFrom().voidItem();
        }
    }

    /** Keeps every message unacked until the test acks it. */
    @ApplicationScoped
    public static class SlowApp {
        private final List<Message<byte[]>> held = new CopyOnWriteArrayList<>();

        List<Message<byte[]>> held() {
            return new ArrayList<>(held);
        }

        @Incoming("scripted-in")
        CompletionStage<Void> consume(Message<byte[]> message) {
            held.add(message);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }
}
