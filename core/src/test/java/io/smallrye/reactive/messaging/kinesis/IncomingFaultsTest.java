package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.Test;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * The incoming channel against {@link ScriptedKinesis}: exact sequences of expired iterators, throttling, transient
 * and fatal errors, resharding, pacing.
 */
class IncomingFaultsTest extends ScriptedKinesisTestBase {

    private MapBasedConfig channel() {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.scripted-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.scripted-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.scripted-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.scripted-in.retry-backoff", "50ms");
    }

    private static List<String> expected(String shardId, int count) {
        return IntStream.range(0, count).mapToObj(i -> shardId + ":" + i).toList();
    }

    private static Map<String, List<String>> perShard(List<String> received) {
        return received.stream().collect(Collectors.groupingBy(payload -> payload.substring(0, payload.indexOf(':'))));
    }

    /** Kinesis allows 5 GetRecords calls per second per shard. */
    private static void assertAtMostFiveCallsPerSecond(ScriptedKinesis.ScriptedShard shard) {
        List<Long> times = shard.callTimes();
        for (int i = 0; i < times.size(); i++) {
            long windowEnd = times.get(i) + TimeUnit.SECONDS.toNanos(1);
            int inWindow = 0;
            for (int j = i; j < times.size() && times.get(j) < windowEnd; j++) {
                inWindow++;
            }
            assertThat(inWindow).as("GetRecords calls to %s within one second", shard.id).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void expiredIteratorsThrottlingAndNetworkErrorsNeitherLoseNorRepeatRecords() {
        kinesis.addShard("shardId-000000000000").withRecords(60)
                .failCall(2, ScriptedKinesis::expired)
                .failCall(4, ScriptedKinesis::throttled)
                .failCall(5, ScriptedKinesis::limitExceeded)
                .failCall(7, ScriptedKinesis::networkError)
                .failCall(9, ScriptedKinesis::expired);
        kinesis.addShard("shardId-000000000001").withRecords(60)
                .failCall(1, ScriptedKinesis::throttled)
                .failCall(3, ScriptedKinesis::internalFailure)
                .failCall(6, ScriptedKinesis::expired);
        kinesis.failNextIteratorRequest(ScriptedKinesis::limitExceeded);

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 120);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> app.received().size() == 120);
        Map<String, List<String>> perShard = perShard(app.received());
        assertThat(perShard.get("shardId-000000000000")).containsExactlyElementsOf(expected("shardId-000000000000", 60));
        assertThat(perShard.get("shardId-000000000001")).containsExactlyElementsOf(expected("shardId-000000000001", 60));
        // after an expired iterator, the reader resumes at the last record it fetched (and skips that one)
        assertThat(kinesis.iteratorRequests()).anyMatch(request -> request.contains("AT_SEQUENCE_NUMBER"));
        assertAtMostFiveCallsPerSecond(kinesis.shard("shardId-000000000000"));
        assertAtMostFiveCallsPerSecond(kinesis.shard("shardId-000000000001"));
        assertThat(connector().getLiveness().isOk()).isTrue();
    }

    @Test
    void failedGetRecordsCallsAreCountedApartFromAnsweredOnes() {
        kinesis.addShard("shardId-000000000000").withRecords(30)
                .failCall(1, ScriptedKinesis::throttled)
                .failCall(3, ScriptedKinesis::internalFailure);
        addBeans(IncomingMetricsTest.RecordingIncomingMetrics.class);

        Collector app = runApplication(channel(), Collector.class);
        IncomingMetricsTest.RecordingIncomingMetrics metrics = get(IncomingMetricsTest.RecordingIncomingMetrics.class);

        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 30);
        assertThat(metrics.failedCalls()).isEqualTo(2);
        assertThat(metrics.received()).isEqualTo(30);
        assertThat(metrics.answered()).isPositive();
    }

    @Test
    void aReaderBehindReadsAgainAtOnceAndACaughtUpReaderWaitsThePollInterval() {
        kinesis.pageSize = 5;
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard("shardId-000000000000").withRecords(80);

        long start = System.nanoTime();
        Collector app = runApplication(channel().with("mp.messaging.incoming.scripted-in.poll-interval", "3s"),
                Collector.class);

        // 16 pages, behind until the last: about 16 x 200 ms, where waiting the poll interval would take 45 s
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 80);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        int callsWhenCaughtUp = shard.calls();
        await().pollDelay(Duration.ofSeconds(4)).until(() -> true);
        // caught up: one call per 3 s poll interval, not one per 200 ms
        assertThat(shard.calls() - callsWhenCaughtUp).isBetween(1, 3);
        assertAtMostFiveCallsPerSecond(shard);
    }

    @Test
    void anIdleShardIsPolledLessOftenUpToTheIdlePollInterval() {
        ScriptedKinesis.ScriptedShard idle = kinesis.addShard("shardId-000000000000").withRecords(0);
        ScriptedKinesis.ScriptedShard other = kinesis.addShard("shardId-000000000001").withRecords(0);
        runApplication(channel(), Collector.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> idle.calls() >= 1);
        int start = idle.calls();
        await().pollDelay(Duration.ofSeconds(5)).until(() -> true);
        // empty pages in a row: waits of 200, 400, 800 ms, then 1 s (idle-poll-interval), not 200 ms each time
        assertThat(idle.calls() - start).as("GetRecords calls to an idle shard in 5 s").isBetween(4, 10);
        assertThat(other.calls()).as("the other idle shard, over the same 5 s and more").isLessThan(15);
    }

    @Test
    void withTheIdlePollIntervalAtThePollIntervalAnIdleShardIsPolledAtAFixedRate() {
        ScriptedKinesis.ScriptedShard idle = kinesis.addShard("shardId-000000000000").withRecords(0);
        runApplication(channel().with("mp.messaging.incoming.scripted-in.idle-poll-interval", "200ms"),
                Collector.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> idle.calls() >= 1);
        int start = idle.calls();
        await().pollDelay(Duration.ofSeconds(5)).until(() -> true);
        assertThat(idle.calls() - start).as("GetRecords calls in 5 s, one per 200 ms").isGreaterThanOrEqualTo(12);
        assertAtMostFiveCallsPerSecond(idle);
    }

    @Test
    void parentsAreReadBeforeTheirChildrenWhenGetRecordsNamesThem() {
        reshardedStream();
        assertParentsBeforeChildren(runApplication(channel(), Collector.class));
    }

    @Test
    void childrenNotNamedByGetRecordsAreFoundByListingTheShards() {
        kinesis.childShardsInAnswers = false;
        reshardedStream();
        kinesis.shard("shardId-000000000001").hidden();
        kinesis.shard("shardId-000000000002").hidden();
        kinesis.shard("shardId-000000000003").hidden();
        // the periodic listing is too slow to matter: the listing at the parent's end finds the children
        assertParentsBeforeChildren(runApplication(channel()
                .with("mp.messaging.incoming.scripted-in.shard-discovery-interval", "1h"), Collector.class));
    }

    /** 0 splits into 1 and 2, which merge into 3; 4 is unrelated. */
    private void reshardedStream() {
        kinesis.addShard("shardId-000000000000").withRecords(30).closedWithChildren("shardId-000000000001",
                "shardId-000000000002");
        kinesis.addShard("shardId-000000000001", "shardId-000000000000").withRecords(12)
                .closedWithChildren("shardId-000000000003");
        kinesis.addShard("shardId-000000000002", "shardId-000000000000").withRecords(9)
                .closedWithChildren("shardId-000000000003");
        kinesis.addShard("shardId-000000000003", "shardId-000000000001", "shardId-000000000002").withRecords(10);
        kinesis.addShard("shardId-000000000004").withRecords(20);
    }

    private void assertParentsBeforeChildren(Collector app) {
        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 81);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> app.received().size() == 81);
        List<String> received = app.received();
        Map<String, List<String>> perShard = perShard(received);
        int[] counts = { 30, 12, 9, 10, 20 };
        for (int i = 0; i < counts.length; i++) {
            String shardId = "shardId-00000000000" + i;
            assertThat(perShard.get(shardId)).containsExactlyElementsOf(expected(shardId, counts[i]));
        }
        assertThat(lastIndexOf(received, "shardId-000000000000"))
                .isLessThan(firstIndexOf(received, "shardId-000000000001"))
                .isLessThan(firstIndexOf(received, "shardId-000000000002"));
        assertThat(Math.max(lastIndexOf(received, "shardId-000000000001"), lastIndexOf(received, "shardId-000000000002")))
                .isLessThan(firstIndexOf(received, "shardId-000000000003"));
    }

    private static int firstIndexOf(List<String> received, String shardId) {
        return IntStream.range(0, received.size()).filter(i -> received.get(i).startsWith(shardId + ":")).findFirst()
                .orElseThrow();
    }

    private static int lastIndexOf(List<String> received, String shardId) {
        return IntStream.range(0, received.size()).filter(i -> received.get(i).startsWith(shardId + ":"))
                .reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void aFailureThatRetryingCannotHealStopsTheChannelAndHealthSaysWhy() {
        kinesis.addShard("shardId-000000000000").withRecords(30).failCall(2, ScriptedKinesis::accessDenied);

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getLiveness().isOk());
        HealthReport liveness = connector().getLiveness();
        assertThat(liveness.getChannels()).anySatisfy(info -> {
            assertThat(info.getChannel()).isEqualTo("scripted-in");
            assertThat(info.getMessage()).contains("shardId-000000000000").contains("scripted-stream")
                    .contains("AccessDeniedException");
        });
        assertThat(connector().getReadiness().isOk()).isFalse();
        int received = app.received().size();
        assertThat(received).isLessThan(30);
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(kinesis.shard("shardId-000000000000").calls()).isEqualTo(2);
    }

    @Test
    void theCheckpointStoreDecidesWhichShardsAreReadAndFromWhere() {
        kinesis.addShard("shardId-000000000000").withRecords(30);
        ScriptedKinesis.ScriptedShard second = kinesis.addShard("shardId-000000000001").withRecords(20);
        ScriptedStore store = new ScriptedStore();
        ScriptedStore.current = store;
        // shard 0 was processed up to its record 9; shard 1 is someone else's until the store says otherwise
        store.checkpoints.put("shardId-000000000000",
                ShardPosition.of(kinesis.shard("shardId-000000000000").records.get(9).sequenceNumber()));
        store.owned.put("shardId-000000000001", false);
        addBeans(ScriptedStore.Factory.class);
        Collector app = runApplication(channel()
                .with("mp.messaging.incoming.scripted-in.checkpoint-store", "scripted-store")
                .with("mp.messaging.incoming.scripted-in.checkpoint-interval", "100ms")
                .with("mp.messaging.incoming.scripted-in.shard-discovery-interval", "500ms"), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 20);
        assertThat(perShard(app.received()).get("shardId-000000000000"))
                .containsExactlyElementsOf(expected("shardId-000000000000", 30).subList(10, 30));
        assertThat(perShard(app.received())).doesNotContainKey("shardId-000000000001");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ShardPosition.of(kinesis.shard("shardId-000000000000").records.get(29).sequenceNumber())
                        .equals(store.checkpoints.get("shardId-000000000000")));

        // the shard becomes ours: claimed again after the next listing
        store.owned.put("shardId-000000000001", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 40);
        assertThat(perShard(app.received()).get("shardId-000000000001"))
                .containsExactlyElementsOf(expected("shardId-000000000001", 20));

        // and is lost again: its reader stops, what is written to it then is not read
        store.owned.put("shardId-000000000001", false);
        store.listener.shardLost("shardId-000000000001");
        await().atMost(Duration.ofSeconds(5)).until(() -> connector().inboundChannel("scripted-in").activeShards() == 1);
        second.withRecords(5);
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(app.received()).hasSize(40);
    }

    /** A checkpoint store whose answers the test decides. */
    public static class ScriptedStore implements CheckpointStore {
        static volatile ScriptedStore current;
        final Map<String, ShardPosition> checkpoints = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, Boolean> owned = new java.util.concurrent.ConcurrentHashMap<>();
        volatile OwnershipListener listener;

        @ApplicationScoped
        @Identifier("scripted-store")
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
            if (!owned.getOrDefault(shardId, true)) {
                return Uni.createFrom().item(ShardClaim.notOwned());
            }
            ShardPosition checkpoint = checkpoints.get(shardId);
            return Uni.createFrom().item(checkpoint == null ? ShardClaim.noCheckpoint() : ShardClaim.resumeAfter(checkpoint))
                    .emitOn(Infrastructure.getDefaultExecutor());
        }

        @Override
        public Uni<Void> save(String shardId, ShardPosition position) {
            checkpoints.put(shardId, position);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> ended(String shardId) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> release(String shardId, ShardPosition position) {
            if (position != null) {
                checkpoints.put(shardId, position);
            }
            return Uni.createFrom().voidItem();
        }
    }

    @ApplicationScoped
    public static class Collector {
        private final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return new ArrayList<>(received);
        }

        @Incoming("scripted-in")
        void consume(byte[] payload) {
            received.add(new String(payload, StandardCharsets.UTF_8));
        }
    }
}
