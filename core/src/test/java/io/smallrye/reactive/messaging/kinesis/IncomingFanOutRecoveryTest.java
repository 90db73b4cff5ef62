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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * Enhanced fan-out when what it reads goes away, against {@link ScriptedFanOut}: the consumer deleted while the
 * channel runs (registered again once for all shards, or, with consumer-arn, reported and waited for), the stream
 * deleted and recreated (positions lost, as polling does), a renewal refused because its continuation no longer
 * exists; and what fan-out tells the metrics, and batches of one event.
 */
class IncomingFanOutRecoveryTest extends WeldTestBase {

    static final String SHARD_0 = IncomingFanOutTest.SHARD_0;
    static final String SHARD_1 = IncomingFanOutTest.SHARD_1;

    ScriptedFanOut kinesis;

    @BeforeEach
    void script() {
        kinesis = new ScriptedFanOut();
        ClientBean.use(kinesis);
        addBeans(ClientBean.class);
    }

    private MapBasedConfig channel() {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.scripted-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.scripted-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.scripted-in.consumer-mode", "fan-out")
                .with("mp.messaging.incoming.scripted-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.scripted-in.retry-backoff", "50ms")
                .with("mp.messaging.incoming.scripted-in.max-retry-backoff", "100ms");
    }

    /** The application, reading through the consumer of {@code consumer-arn}, once it received the first records. */
    private Collector readingThrough(String consumerArn, int records) {
        Collector app = runApplication(channel().with("mp.messaging.incoming.scripted-in.consumer-arn", consumerArn),
                Collector.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= records);
        return app;
    }

    private static List<String> expected(String shardId, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> shardId + ":" + i).toList();
    }

    private static List<String> of(List<String> received, String shardId) {
        return received.stream().filter(payload -> payload.startsWith(shardId + ":")).toList();
    }

    private String sequenceOf(String shardId, int index) {
        return kinesis.shard(shardId).records.get(index).sequenceNumber();
    }

    private static String message(HealthReport report) {
        return report.getChannels().stream().map(HealthReport.ChannelInfo::getMessage)
                .filter(java.util.Objects::nonNull).reduce("", String::concat);
    }

    @Test
    void aDeletedConsumerIsRegisteredAgainOnceAndEveryShardResumesWithoutGapOrDuplicate() {
        ScriptedKinesis.ScriptedShard shard0 = kinesis.addShard(SHARD_0).withRecords(20);
        ScriptedKinesis.ScriptedShard shard1 = kinesis.addShard(SHARD_1).withRecords(20);
        Collector app = runApplication(channel(), Collector.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 40);
        String first = kinesis.subscribedArns().get(0);

        try (LogCapture logs = LogCapture.start()) {
            kinesis.deleteConsumer("scripted-in");
            shard0.withRecords(20);
            shard1.withRecords(20);

            await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() >= 80);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3))
                    .until(() -> app.received().size() == 80);
            assertThat(of(app.received(), SHARD_0)).containsExactlyElementsOf(expected(SHARD_0, 0, 40));
            assertThat(of(app.received(), SHARD_1)).containsExactlyElementsOf(expected(SHARD_1, 0, 40));
            // one registration for both shards, then each shard resubscribed after its last event with the new ARN
            assertThat(kinesis.registerCalls()).isEqualTo(2);
            assertThat(logs.containing("SRKIN1882")).hasSize(1).allMatch(line -> line.contains(first));
            List<ScriptedFanOut.Subscribed> all = kinesis.subscriptions();
            List<String> arns = kinesis.subscribedArns();
            for (String shardId : List.of(SHARD_0, SHARD_1)) {
                int firstWithNewArn = IntStream.range(0, all.size())
                        .filter(i -> all.get(i).shardId().equals(shardId) && !arns.get(i).equals(first))
                        .findFirst().orElseThrow();
                assertThat(all.get(firstWithNewArn)).isEqualTo(new ScriptedFanOut.Subscribed(shardId,
                        "AFTER_SEQUENCE_NUMBER", sequenceOf(shardId, 19)));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> connector().getReadiness().isOk());
            assertThat(logs.withStackTrace()).isEmpty();
        }
    }

    @Test
    void aDeletedConsumerArnIsReportedOnceAndWaitedForWithoutRegistering() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD_0).withRecords(10);
        String arn = kinesis.registerConsumer("billing");
        Collector app = readingThrough(arn, 10);

        try (LogCapture logs = LogCapture.start(Level.INFO); LogCapture errors = LogCapture.start(Level.SEVERE)) {
            kinesis.deleteConsumer("billing");
            await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getReadiness().isOk());
            assertThat(message(connector().getReadiness())).contains(arn).contains("scripted-stream")
                    .contains("consumer-arn");
            int subscriptions = kinesis.subscriptions().size();
            await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.subscriptions().size() >= subscriptions + 3);
            assertThat(connector().getLiveness().isOk()).isTrue();
            assertThat(errors.containing("SRKIN1881")).hasSize(1).allMatch(line -> line.contains(arn)
                    && line.contains("scripted-stream"));
            assertThat(kinesis.registerCalls()).as("a consumer-arn is never registered").isEqualTo(1);

            kinesis.restoreConsumer("billing", arn);
            shard.withRecords(10);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 20);
            assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 0, 20));
            await().atMost(Duration.ofSeconds(5)).until(() -> connector().getReadiness().isOk());
            assertThat(logs.containing("SRKIN1883")).hasSize(1);
        }
    }

    /**
     * The race of a consumer-arn coming back: a subscription refused "not found" while the consumer was missing, the
     * refusal arriving once it is back, so that the check finds it ACTIVE. The consumer was what was missing, not the
     * stream or the shard: resubscribed from where it was, no position lost, no record delivered twice.
     */
    @Test
    void aConsumerArnBackWhileItsLastRefusalIsCheckedIsResubscribedWhereItWas() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD_0).withRecords(10);
        String arn = kinesis.registerConsumer("billing");
        Collector app = readingThrough(arn, 10);

        try (LogCapture logs = LogCapture.start(Level.INFO)) {
            kinesis.deleteConsumer("billing");
            await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getReadiness().isOk());
            kinesis.refuseNextSubscriptionLate(SHARD_0, () -> ScriptedFanOut.consumerNotFound(arn));
            await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.refusalHeld(SHARD_0));
            kinesis.restoreConsumer("billing", arn);
            shard.withRecords(10);
            kinesis.releaseRefusal(SHARD_0);

            await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 20);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(app.received()).hasSize(20));
            assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 0, 20));
            assertThat(logs.containing("SRKIN1124")).as("no position lost").isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> connector().getReadiness().isOk());
            assertThat(logs.containing("SRKIN1883")).hasSize(1);
        }
    }

    /**
     * Two shards of a consumer-arn: the first to meet the consumer again (an event, or a check finding it ACTIVE)
     * reports it back; the other's refusal, sent while the consumer was missing, is checked only after that. The
     * consumer is ACTIVE and no longer reported missing, but it was what refused the subscription: the shard resumes
     * where it was, it is not taken for a missing shard.
     */
    @Test
    void aShardRefusedWhileTheConsumerArnWasMissingResumesWhereItWasAfterAnotherShardSawItBack() {
        ScriptedKinesis.ScriptedShard shard0 = kinesis.addShard(SHARD_0).withRecords(10);
        ScriptedKinesis.ScriptedShard shard1 = kinesis.addShard(SHARD_1).withRecords(10);
        String arn = kinesis.registerConsumer("billing");
        Collector app = readingThrough(arn, 20);

        try (LogCapture logs = LogCapture.start(Level.INFO)) {
            kinesis.deleteConsumer("billing");
            await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getReadiness().isOk());
            kinesis.refuseNextSubscriptionLate(SHARD_1, () -> ScriptedFanOut.consumerNotFound(arn));
            await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.refusalHeld(SHARD_1));
            restoreTheConsumerThenReleaseShard1sRefusal(arn, shard0, shard1, app, logs);
        }
    }

    /**
     * As above, for a subscription sent before the channel found the consumer-arn missing (refused as it was being
     * deleted), whose refusal arrives after another shard found the consumer missing and then back.
     */
    @Test
    void aShardRefusedBeforeTheConsumerArnWasFoundMissingResumesWhereItWasWhenTheRefusalArrivesAfterItCameBack() {
        ScriptedKinesis.ScriptedShard shard0 = kinesis.addShard(SHARD_0).withRecords(10);
        ScriptedKinesis.ScriptedShard shard1 = kinesis.addShard(SHARD_1).withRecords(10);
        kinesis.eventsPerSubscription = 2; // subscriptions renewed every other event: shard 1 sends one soon
        String arn = kinesis.registerConsumer("billing");
        Collector app = readingThrough(arn, 20);

        try (LogCapture logs = LogCapture.start(Level.INFO)) {
            kinesis.refuseNextSubscriptionLate(SHARD_1, () -> ScriptedFanOut.consumerNotFound(arn));
            await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.refusalHeld(SHARD_1));
            kinesis.deleteConsumer("billing");
            await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getReadiness().isOk());
            restoreTheConsumerThenReleaseShard1sRefusal(arn, shard0, shard1, app, logs);
        }
    }

    /**
     * One check of the consumer shared by two refusals: that of a shard which really is missing (refused after the
     * consumer-arn was back), and that of a shard refused while the consumer was missing. The consumer is ACTIVE:
     * the first shard follows lost-position-strategy, the second resumes where it was.
     */
    @Test
    void aSharedCheckFindingTheConsumerArnActiveLosesOnlyThePositionOfTheShardRefusedAfterItCameBack() {
        ScriptedKinesis.ScriptedShard shard0 = kinesis.addShard(SHARD_0).withRecords(10);
        ScriptedKinesis.ScriptedShard shard1 = kinesis.addShard(SHARD_1).withRecords(10);
        kinesis.eventsPerSubscription = 2; // subscriptions renewed every other event: shard 0 sends one soon
        String arn = kinesis.registerConsumer("billing");
        addBeans(FanOutMetrics.class);
        Collector app = readingThrough(arn, 20);
        FanOutMetrics metrics = get(FanOutMetrics.class);

        try (LogCapture logs = LogCapture.start(Level.INFO)) {
            kinesis.deleteConsumer("billing");
            await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getReadiness().isOk());
            kinesis.refuseNextSubscriptionLate(SHARD_1, () -> ScriptedFanOut.consumerNotFound(arn));
            await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.refusalHeld(SHARD_1));
            kinesis.restoreConsumer("billing", arn);
            shard0.withRecords(10);
            shard1.withRecords(10);
            await().atMost(Duration.ofSeconds(10)).until(() -> of(app.received(), SHARD_0).size() >= 20
                    && logs.containing("SRKIN1883").size() == 1);

            // shard 0's next renewal is refused: its shard is missing (no longer listed); the check it starts is held
            kinesis.holdDescribes();
            shard0.hidden();
            kinesis.failSubscriptions(SHARD_0, 1, () -> ScriptedFanOut.shardNotFound(SHARD_0));
            await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.heldDescribes() >= 1);
            int failed = metrics.subscriptions().getOrDefault("failed", 0);
            kinesis.releaseRefusal(SHARD_1); // shard 1's refusal joins the check under way
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> metrics.subscriptions().getOrDefault("failed", 0) > failed);
            kinesis.releaseDescribes();

            await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 60);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(app.received()).hasSize(60));
            assertThat(of(app.received(), SHARD_0)).containsExactlyElementsOf(
                    List.of(expected(SHARD_0, 0, 20), expected(SHARD_0, 0, 20)).stream().flatMap(List::stream)
                            .toList());
            assertThat(of(app.received(), SHARD_1)).containsExactlyElementsOf(expected(SHARD_1, 0, 20));
            assertThat(logs.containing("SRKIN1124")).hasSize(1).allMatch(line -> line.contains(SHARD_0));
            assertThat(kinesis.heldDescribes()).as("one check for both refusals").isEqualTo(1);
        }
    }

    /**
     * The consumer-arn comes back and 10 more records go to each shard; once shard 0 read its 20 and the channel saw the
     * consumer back, shard 1's held refusal arrives. Then both shards read their 20 records once.
     */
    private void restoreTheConsumerThenReleaseShard1sRefusal(String arn, ScriptedKinesis.ScriptedShard shard0,
            ScriptedKinesis.ScriptedShard shard1, Collector app, LogCapture logs) {
        kinesis.restoreConsumer("billing", arn);
        shard0.withRecords(10);
        shard1.withRecords(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> of(app.received(), SHARD_0).size() >= 20
                && logs.containing("SRKIN1883").size() == 1);
        kinesis.releaseRefusal(SHARD_1);

        assertBothShardsReadOnceWithNoPositionLost(app, logs);
    }

    /** Shards 0 and 1 each delivered their 20 records once, in order; no position lost; the consumer back once. */
    private static void assertBothShardsReadOnceWithNoPositionLost(Collector app, LogCapture logs) {
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 40);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(app.received()).hasSize(40));
        assertThat(of(app.received(), SHARD_0)).containsExactlyElementsOf(expected(SHARD_0, 0, 20));
        assertThat(of(app.received(), SHARD_1)).containsExactlyElementsOf(expected(SHARD_1, 0, 20));
        assertThat(logs.containing("SRKIN1124")).as("no position lost").isEmpty();
        assertThat(logs.containing("SRKIN1883")).hasSize(1);
    }

    /** As polling does (IncomingRecoveryTest): the stream is waited for, then read where lost-position-strategy says. */
    @Test
    void aDeletedStreamIsWaitedForThenReadFromWhereLostPositionStrategySays() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD_0).withRecords(30);
        Collector app = runApplication(channel(), Collector.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 30);

        try (LogCapture logs = LogCapture.start()) {
            kinesis.deleteStream(); // its consumers go with it
            shard.withRecords(20);
            await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getReadiness().isOk());
            assertThat(message(connector().getReadiness())).contains("scripted-stream");
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);
            assertThat(connector().getLiveness().isOk()).isTrue();

            kinesis.streamMissing = false; // recreated
            await().atMost(Duration.ofSeconds(15)).until(() -> app.received().size() >= 80);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                    .until(() -> app.received().size() == 80);
            assertThat(app.received().subList(0, 30)).containsExactlyElementsOf(expected(SHARD_0, 0, 30));
            assertThat(app.received().subList(30, 80)).containsExactlyElementsOf(expected(SHARD_0, 0, 50));
            assertThat(kinesis.registered("scripted-in")).as("registered again").isTrue();
            assertThat(kinesis.subscriptions().get(kinesis.subscriptions().size() - 1).type())
                    .isEqualTo("TRIM_HORIZON");
            assertThat(logs.containing("SRKIN1124")).hasSize(1).allMatch(line -> line.contains(SHARD_0));
            await().atMost(Duration.ofSeconds(5)).until(() -> connector().getReadiness().isOk());
            assertThat(logs.withStackTrace()).isEmpty();
        }
    }

    @Test
    void aRenewalWhoseContinuationNoLongerExistsFollowsTheLostPositionStrategy() {
        kinesis.addShard(SHARD_0).withRecords(10);
        Collector app = runApplication(channel(), Collector.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 10);

        // the stream was recreated under the open subscription: its renewal is refused
        kinesis.failSubscriptions(SHARD_0, 1, ScriptedKinesis::invalidStartingSequenceNumber);
        kinesis.eventsPerSubscription = 1; // the open subscription ends after its next event

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 20);
        assertThat(app.received()).containsExactlyElementsOf(
                List.of(expected(SHARD_0, 0, 10), expected(SHARD_0, 0, 10)).stream().flatMap(List::stream).toList());
        assertThat(kinesis.subscriptions()).contains(
                new ScriptedFanOut.Subscribed(SHARD_0, "AFTER_SEQUENCE_NUMBER", sequenceOf(SHARD_0, 9)),
                new ScriptedFanOut.Subscribed(SHARD_0, "TRIM_HORIZON", null));
        assertThat(connector().getLiveness().isOk()).isTrue();
    }

    @Test
    void fanOutCountsEventsAndSubscriptionsOpenedRenewedAndFailed() {
        kinesis.addShard(SHARD_0).withRecords(20);
        kinesis.eventSize = 5;
        kinesis.eventsPerSubscription = 2;
        kinesis.failSubscriptions(SHARD_0, 1, ScriptedFanOut::resourceInUse);
        addBeans(FanOutMetrics.class);

        Collector app = runApplication(channel(), Collector.class);
        FanOutMetrics metrics = get(FanOutMetrics.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 20);
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.subscriptions().getOrDefault("renewed", 0) >= 2);
        assertThat(metrics.events()).isGreaterThanOrEqualTo(4).isLessThanOrEqualTo((int) kinesis.eventsSent());
        assertThat(metrics.subscriptions()).containsEntry("opened", 1).containsEntry("failed", 1);
        assertThat(metrics.received()).isEqualTo(20);
        assertThat(metrics.getRecordsCalls()).as("no GetRecords under fan-out").isZero();
    }

    @Test
    void aBatchCarriesTheRecordsOfOneEventOfOneShard() {
        kinesis.addShard(SHARD_0).withRecords(12);
        kinesis.addShard(SHARD_1).withRecords(12);
        kinesis.eventSize = 5;

        BatchCollector app = runApplication(channel().with("mp.messaging.incoming.scripted-in.batch", true),
                BatchCollector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.batches().stream().mapToInt(List::size).sum() >= 24);
        for (String shardId : List.of(SHARD_0, SHARD_1)) {
            List<List<String>> ofShard = app.batches().stream().filter(batch -> batch.get(0).startsWith(shardId))
                    .toList();
            assertThat(ofShard).allSatisfy(batch -> assertThat(batch).allMatch(p -> p.startsWith(shardId + ":")));
            assertThat(ofShard).extracting(List::size).containsExactly(5, 5, 2);
            assertThat(ofShard.stream().flatMap(List::stream).toList())
                    .containsExactlyElementsOf(expected(shardId, 0, 12));
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

    @ApplicationScoped
    public static class BatchCollector {
        private final List<List<String>> batches = new CopyOnWriteArrayList<>();

        List<List<String>> batches() {
            return new ArrayList<>(batches);
        }

        @Incoming("scripted-in")
        void consume(List<byte[]> batch) {
            batches.add(batch.stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList());
        }
    }

    @ApplicationScoped
    public static class FanOutMetrics implements KinesisMetrics {
        final AtomicInteger events = new AtomicInteger();
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger getRecordsCalls = new AtomicInteger();
        final Map<String, Integer> subscriptions = new ConcurrentHashMap<>();

        int events() {
            return events.get();
        }

        int received() {
            return received.get();
        }

        int getRecordsCalls() {
            return getRecordsCalls.get();
        }

        Map<String, Integer> subscriptions() {
            return Map.copyOf(subscriptions);
        }

        @Override
        public void subscribeToShardEvent(String channel, String stream, String shardId) {
            events.incrementAndGet();
        }

        @Override
        public void subscriptionAnswered(String channel, String stream, String shardId, String outcome) {
            subscriptions.merge(outcome, 1, Integer::sum);
        }

        @Override
        public void recordsReceived(String channel, String stream, int records, long bytes) {
            received.addAndGet(records);
        }

        @Override
        public void getRecordsAnswered(String channel, String stream, String shardId, boolean failed) {
            getRecordsCalls.incrementAndGet();
        }
    }
}
