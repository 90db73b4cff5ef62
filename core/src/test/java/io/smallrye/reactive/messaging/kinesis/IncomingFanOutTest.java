package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * Enhanced fan-out against {@link ScriptedFanOut}, a fake that speaks the SDK's SubscribeToShard event stream: exact
 * sequences of renewals, ResourceInUseException, resharding, access denied, and the backpressure on events.
 */
class IncomingFanOutTest extends WeldTestBase {

    static final String SHARD_0 = "shardId-000000000000";
    static final String SHARD_1 = "shardId-000000000001";

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

    private static List<String> expected(String shardId, int count) {
        return IntStream.range(0, count).mapToObj(i -> shardId + ":" + i).toList();
    }

    private static List<String> of(List<String> received, String shardId) {
        return received.stream().filter(payload -> payload.startsWith(shardId + ":")).toList();
    }

    private String sequenceOf(String shardId, int index) {
        return kinesis.shard(shardId).records.get(index).sequenceNumber();
    }

    @Test
    void subscriptionsRenewedAfterTheLastContinuationDeliverEveryRecordOnceInOrder() {
        kinesis.addShard(SHARD_0).withRecords(40);
        kinesis.addShard(SHARD_1).withRecords(40);
        kinesis.eventSize = 5;
        kinesis.eventsPerSubscription = 3; // 15 records per subscription: each shard needs 3 renewals

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() >= 80);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> app.received().size() == 80);
        assertThat(of(app.received(), SHARD_0)).containsExactlyElementsOf(expected(SHARD_0, 40));
        assertThat(of(app.received(), SHARD_1)).containsExactlyElementsOf(expected(SHARD_1, 40));
        // the consumer was registered under the channel name (no application-name), then used
        assertThat(kinesis.registered("scripted-in")).isTrue();
        List<ScriptedFanOut.Subscribed> shard0 = kinesis.subscriptions().stream()
                .filter(s -> s.shardId().equals(SHARD_0)).toList();
        assertThat(shard0.size()).isGreaterThanOrEqualTo(3);
        assertThat(shard0.get(0)).isEqualTo(new ScriptedFanOut.Subscribed(SHARD_0, "TRIM_HORIZON", null));
        assertThat(shard0.get(1)).isEqualTo(new ScriptedFanOut.Subscribed(SHARD_0, "AFTER_SEQUENCE_NUMBER",
                sequenceOf(SHARD_0, 14)));
        assertThat(shard0.get(2)).isEqualTo(new ScriptedFanOut.Subscribed(SHARD_0, "AFTER_SEQUENCE_NUMBER",
                sequenceOf(SHARD_0, 29)));
        assertThat(connector().getLiveness().isOk()).isTrue();
        assertThat(connector().getReadiness().isOk()).isTrue();
        container.shutdown();
        assertThat(kinesis.registered("scripted-in")).as("kept: consumer-deregister-on-stop is off").isTrue();
    }

    @Test
    void theConsumerIsDeregisteredAtStopOnlyWhenAsked() {
        kinesis.addShard(SHARD_0).withRecords(5);

        Collector app = runApplication(channel().with("mp.messaging.incoming.scripted-in.consumer-deregister-on-stop",
                true), Collector.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 5);
        assertThat(kinesis.registered("scripted-in")).isTrue();

        container.shutdown();
        assertThat(kinesis.registered("scripted-in")).isFalse();
    }

    @Test
    void aConsumerArnOfAnotherStreamIsRefusedNamingBothStreams() {
        kinesis.addShard(SHARD_0).withRecords(5);
        String otherStream = "arn:aws:kinesis:us-east-1:000000000000:stream/other-stream";

        runApplication(channel().with("mp.messaging.incoming.scripted-in.consumer-arn",
                otherStream + "/consumer/billing:1"), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getLiveness().isOk());
        assertThat(message(connector().getLiveness())).contains("consumer-arn").contains(otherStream)
                .contains("scripted-stream");
        assertThat(kinesis.subscriptions()).isEmpty();
    }

    @Test
    void resourceInUseIsRetriedWithBackoffReportedByHealthAndLoggedOnce() {
        kinesis.addShard(SHARD_0).withRecords(20);
        kinesis.failSubscriptions(SHARD_0, 12, ScriptedFanOut::resourceInUse);

        try (LogCapture logs = LogCapture.start()) {
            Collector app = runApplication(channel(), Collector.class);

            await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(10))
                    .until(() -> message(connector().getReadiness()).contains("ResourceInUseException"));
            assertThat(message(connector().getReadiness())).contains("SubscribeToShard").contains(SHARD_0);
            await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() >= 20);
            assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 20));
            assertThat(kinesis.subscriptions().stream().filter(s -> s.shardId().equals(SHARD_0))).hasSize(13);
            // one WARN line for the run of failures, not one per attempt
            assertThat(logs.containing("ResourceInUseException")).hasSize(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> connector().getReadiness().isOk());
        }
    }

    @Test
    void aSubscriptionThatGetsNoConnectionFromThePoolIsRetriedNotFatal() {
        kinesis.addShard(SHARD_0).withRecords(20);
        // what the SDK's Netty pool hands the response handler when max-concurrency is used up: a plain Throwable
        kinesis.failSubscriptions(SHARD_0, 3, () -> new Throwable("Acquire operation took longer than the configured"
                + " maximum time. This indicates that a request cannot get a connection from the pool"));

        try (LogCapture logs = LogCapture.start()) {
            Collector app = runApplication(channel(), Collector.class);

            await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() >= 20);
            assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 20));
            assertThat(kinesis.subscriptions().stream().filter(s -> s.shardId().equals(SHARD_0))).hasSize(4);
            assertThat(connector().getLiveness().isOk()).as("the reader went on").isTrue();
            assertThat(logs.containing("Acquire operation")).as("one WARN line for the run of failures").hasSize(1);
        }
    }

    private static String message(HealthReport report) {
        return report.getChannels().stream().map(HealthReport.ChannelInfo::getMessage)
                .filter(java.util.Objects::nonNull).reduce("", String::concat);
    }

    @Test
    void eventsAreRequestedOnlyAsDemandAndMaxPendingRecordsAllow() {
        kinesis.addShard(SHARD_0).withRecords(200);
        kinesis.eventSize = 5;

        Holder app = runApplication(channel().with("mp.messaging.incoming.scripted-in.max-pending-records", "10"),
                Holder.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.held().size() >= 10);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> kinesis.recordsSent() <= 15 && app.held().size() == 10);
        // never more events than the reader asked for, and at most one event beyond the pending bound
        assertThat(kinesis.eventsSent()).isLessThanOrEqualTo(kinesis.eventsRequested());
        assertThat(kinesis.recordsSent()).isLessThanOrEqualTo(10 + 5);

        app.ackAll();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            app.ackAll();
            return app.payloads().size() >= 200;
        });
        assertThat(app.payloads()).containsExactlyElementsOf(expected(SHARD_0, 200));
    }

    @Test
    void aClosedShardsChildIsReadAfterEveryRecordOfTheParent() {
        kinesis.addShard(SHARD_0).withRecords(12).closedWithChildren(SHARD_1);
        kinesis.addShard(SHARD_1, SHARD_0).withRecords(12);

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() >= 24);
        List<String> expected = new ArrayList<>(expected(SHARD_0, 12));
        expected.addAll(expected(SHARD_1, 12));
        assertThat(app.received()).containsExactlyElementsOf(expected);
        assertThat(kinesis.subscriptions().stream().filter(s -> s.shardId().equals(SHARD_1)).findFirst())
                .get().isEqualTo(new ScriptedFanOut.Subscribed(SHARD_1, "TRIM_HORIZON", null));
    }

    @Test
    void subscribeDeniedFailsTheChannelNamingConsumerStreamAndAction() {
        kinesis.addShard(SHARD_0).withRecords(5);
        kinesis.failSubscriptions(SHARD_0, 1, ScriptedFanOut::subscribeDenied);

        runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getLiveness().isOk());
        assertThat(message(connector().getLiveness())).contains("SubscribeToShard").contains("scripted-stream")
                .contains(ScriptedFanOut.STREAM_ARN + "/consumer/scripted-in").contains("kinesis:SubscribeToShard");
    }

    @Test
    void registrationIsRetriedWhenThrottledAndDeniedRegistrationFailsClearly() {
        kinesis.addShard(SHARD_0).withRecords(5);
        kinesis.failRegistrations(2, ScriptedKinesis::limitExceeded);
        kinesis.failRegistrations(1, ScriptedFanOut::registerDenied);

        runApplication(channel().with("mp.messaging.incoming.scripted-in.consumer-name", "billing"), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getLiveness().isOk());
        assertThat(kinesis.registerCalls()).isEqualTo(3);
        assertThat(message(connector().getLiveness())).contains("RegisterStreamConsumer").contains("billing")
                .contains("scripted-stream").contains("kinesis:RegisterStreamConsumer");
    }

    @Test
    void aThrottledRegistrationIsRetriedUntilTheConsumerIsActive() {
        kinesis.addShard(SHARD_0).withRecords(5);
        kinesis.failRegistrations(3, ScriptedKinesis::limitExceeded);

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 5);
        assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 5));
        assertThat(kinesis.registerCalls()).isEqualTo(4);
    }

    private Collector resumeFromCheckpointAtRecord(int index, MapBasedConfig extra) {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD_0).withRecords(30);
        IncomingCustomCheckpointStoreTest.WorkerPoolStore store = new IncomingCustomCheckpointStoreTest.WorkerPoolStore();
        IncomingCustomCheckpointStoreTest.WorkerPoolStore.current = store;
        store.checkpoints.put(SHARD_0, ShardPosition.of(shard.records.get(index).sequenceNumber()));
        addBeans(IncomingCustomCheckpointStoreTest.WorkerPoolStore.Factory.class);
        MapBasedConfig config = channel().with("mp.messaging.incoming.scripted-in.checkpoint-store", "worker-pool-store");
        extra.forEach(config::with);
        return runApplication(config, Collector.class);
    }

    @Test
    void aCheckpointIsResumedAfterWithoutRepeatingItsRecord() {
        Collector app = resumeFromCheckpointAtRecord(9, new MapBasedConfig());

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 20);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> app.received().size() == 20);
        assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 30).subList(10, 30));
        assertThat(kinesis.subscriptions().get(0))
                .isEqualTo(new ScriptedFanOut.Subscribed(SHARD_0, "AT_SEQUENCE_NUMBER", sequenceOf(SHARD_0, 9)));
    }

    @Test
    void aCheckpointThatNoLongerExistsFollowsTheLostPositionStrategy() {
        kinesis.failSubscriptions(SHARD_0, 1, ScriptedKinesis::invalidStartingSequenceNumber);

        Collector app = resumeFromCheckpointAtRecord(9, new MapBasedConfig()); // trim_horizon by default

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 30);
        assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 30));
        assertThat(kinesis.subscriptions()).extracting(ScriptedFanOut.Subscribed::type)
                .startsWith("AT_SEQUENCE_NUMBER", "TRIM_HORIZON");
    }

    @Test
    void aLostCheckpointFailsTheChannelWithLostPositionStrategyFail() {
        kinesis.failSubscriptions(SHARD_0, 1, ScriptedKinesis::invalidStartingSequenceNumber);

        resumeFromCheckpointAtRecord(9, new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.lost-position-strategy", "fail"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getLiveness().isOk());
        assertThat(message(connector().getLiveness())).contains(SHARD_0).contains(sequenceOf(SHARD_0, 9));
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

    /** Keeps every message pending (not acked) until {@link #ackAll()}. */
    @ApplicationScoped
    public static class Holder {
        private final List<Message<byte[]>> held = new CopyOnWriteArrayList<>();
        private final List<String> payloads = new CopyOnWriteArrayList<>();

        List<Message<byte[]>> held() {
            return held;
        }

        List<String> payloads() {
            return payloads;
        }

        void ackAll() {
            List<Message<byte[]>> now = new ArrayList<>(held);
            held.removeAll(now);
            now.forEach(Message::ack);
        }

        @Incoming("scripted-in")
        CompletionStage<Void> consume(Message<byte[]> message) {
            held.add(message);
            payloads.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(null);
        }
    }
}
