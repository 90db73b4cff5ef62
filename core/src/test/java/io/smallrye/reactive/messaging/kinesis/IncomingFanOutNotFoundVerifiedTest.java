package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.IncomingFanOutRecoveryTest.Collector;
import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * Enhanced fan-out with {@code consumer-arn}, against {@link ScriptedFanOut}: a SubscribeToShard refused "not found"
 * while the consumer is ACTIVE, in the cases the consumer's history cannot sort out (the channel never saw it missing,
 * or the subscription was sent after it saw it back). The stream and the shard are checked before the position is
 * given up: both still there, the shard resumes where it was; the stream recreated or the shard no longer listed, the
 * position follows lost-position-strategy; the check failing, the shard retries from where it was.
 */
class IncomingFanOutNotFoundVerifiedTest extends WeldTestBase {

    static final String SHARD_0 = IncomingFanOutTest.SHARD_0;

    ScriptedFanOut kinesis;
    ScriptedKinesis.ScriptedShard shard;
    String arn;

    @BeforeEach
    void script() {
        kinesis = new ScriptedFanOut();
        ClientBean.use(kinesis);
        addBeans(ClientBean.class);
        kinesis.streamCreatedAt = Instant.parse("2026-01-01T00:00:00Z");
        kinesis.eventsPerSubscription = 2; // subscriptions renewed every other event: a refusal comes soon
        shard = kinesis.addShard(SHARD_0).withRecords(10);
        arn = kinesis.registerConsumer("billing");
    }

    /** The application, reading through the consumer of {@code consumer-arn}, once it received the first records. */
    private Collector reading(int records) {
        Collector app = runApplication(new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.scripted-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.scripted-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.scripted-in.consumer-mode", "fan-out")
                .with("mp.messaging.incoming.scripted-in.consumer-arn", arn)
                .with("mp.messaging.incoming.scripted-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.scripted-in.retry-backoff", "50ms")
                .with("mp.messaging.incoming.scripted-in.max-retry-backoff", "100ms"), Collector.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= records);
        return app;
    }

    private static List<String> expected(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> SHARD_0 + ":" + i).toList();
    }

    /** The application received exactly these records, and no more comes. */
    private static void receivedExactly(Collector app, List<String> records) {
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= records.size());
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(app.received()).hasSize(records.size()));
        assertThat(app.received()).containsExactlyElementsOf(records);
    }

    private long subscriptionsFromTrimHorizon() {
        return kinesis.subscriptions().stream().filter(s -> s.type().equals("TRIM_HORIZON")).count();
    }

    /** The shard resumed where it was: each record once, no position lost, never read again from the start. */
    private void resumedWhereItWas(Collector app, LogCapture logs, int records) {
        receivedExactly(app, expected(0, records));
        assertThat(logs.containing("SRKIN1124")).as("no position lost").isEmpty();
        assertThat(subscriptionsFromTrimHorizon()).as("only the first subscription from trim_horizon").isEqualTo(1);
    }

    /** The position was lost as lost-position-strategy (trim_horizon) says: logged once, the shard read again. */
    private void lostThePosition(Collector app, LogCapture logs) {
        receivedExactly(app, Stream.of(expected(0, 10), expected(0, 10)).flatMap(List::stream).toList());
        assertThat(logs.containing("SRKIN1124")).hasSize(1).allMatch(line -> line.contains(SHARD_0));
        assertThat(subscriptionsFromTrimHorizon()).isEqualTo(2);
        assertThat(logs.containing("SRKIN1884")).isEmpty();
    }

    /**
     * The consumer deleted and back before the refusal it caused is checked: the channel never saw it missing, the
     * check finds it ACTIVE, the stream and the shard are still there: the consumer refused, the shard resumes.
     */
    @Test
    void aConsumerArnDeletedAndBackBeforeItsRefusalIsCheckedResumesWhereItWas() {
        Collector app = reading(10);

        try (LogCapture logs = LogCapture.start(Level.INFO)) {
            kinesis.refuseNextSubscriptionLate(SHARD_0, () -> ScriptedFanOut.consumerNotFound(arn));
            await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.refusalHeld(SHARD_0));
            kinesis.deleteConsumer("billing");
            kinesis.restoreConsumer("billing", arn);
            shard.withRecords(10);
            kinesis.releaseRefusal(SHARD_0);

            resumedWhereItWas(app, logs, 20);
            assertThat(logs.containing("SRKIN1881")).as("never seen missing").isEmpty();
            assertThat(logs.containing("SRKIN1884")).hasSize(1).allMatch(line -> line.contains(SHARD_0));
        }
    }

    /**
     * Kinesis refusing "not found" for a moment after the consumer came back: the subscription was sent after the
     * channel saw the consumer back, the stream and the shard are still there: the shard resumes where it was.
     */
    @Test
    void aRefusalOfASubscriptionSentAfterTheConsumerArnWasSeenBackResumesWhereItWas() {
        Collector app = reading(10);

        try (LogCapture logs = LogCapture.start(Level.INFO)) {
            kinesis.deleteConsumer("billing");
            await().atMost(Duration.ofSeconds(10)).until(() -> !connector().getReadiness().isOk());
            kinesis.restoreConsumer("billing", arn);
            shard.withRecords(10);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 20
                    && logs.containing("SRKIN1883").size() == 1);

            kinesis.refuseNextSubscriptionLate(SHARD_0, () -> ScriptedFanOut.consumerNotFound(arn));
            await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.refusalHeld(SHARD_0));
            shard.withRecords(10);
            kinesis.releaseRefusal(SHARD_0);

            resumedWhereItWas(app, logs, 30);
            assertThat(logs.containing("SRKIN1883")).hasSize(1);
            assertThat(logs.containing("SRKIN1884")).hasSize(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> connector().getReadiness().isOk());
        }
    }

    /** The stream recreated under the subscription (another creation time, the same shard ids): the position is lost. */
    @Test
    void aRefusalWithTheStreamRecreatedLosesThePosition() {
        Collector app = reading(10);

        try (LogCapture logs = LogCapture.start(Level.INFO)) {
            kinesis.streamCreatedAt = Instant.parse("2026-06-01T00:00:00Z");
            kinesis.failSubscriptions(SHARD_0, 1, () -> ScriptedFanOut.shardNotFound(SHARD_0));

            lostThePosition(app, logs);
        }
    }

    /** The shard no longer listed (expired, or the stream recreated without it): the position is lost. */
    @Test
    void aRefusalWithTheShardNoLongerListedLosesThePosition() {
        Collector app = reading(10);

        try (LogCapture logs = LogCapture.start(Level.INFO)) {
            shard.hidden();
            kinesis.failSubscriptions(SHARD_0, 1, () -> ScriptedFanOut.shardNotFound(SHARD_0));

            lostThePosition(app, logs);
        }
    }

    /** The stream cannot be checked (DescribeStreamSummary throttled): no guess, the shard retries from where it was. */
    @Test
    void aFailedCheckOfTheStreamKeepsThePositionAndTheShardRetries() {
        Collector app = reading(10);

        try (LogCapture logs = LogCapture.start(Level.INFO)) {
            int describes = kinesis.describeCalls();
            kinesis.failDescribeCalls(1, ScriptedKinesis::limitExceeded);
            kinesis.refuseNextSubscriptionLate(SHARD_0, () -> ScriptedFanOut.consumerNotFound(arn));
            await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.refusalHeld(SHARD_0));
            shard.withRecords(10);
            kinesis.releaseRefusal(SHARD_0);

            resumedWhereItWas(app, logs, 20);
            assertThat(kinesis.describeCalls()).as("the failed check").isEqualTo(describes + 1);
            assertThat(logs.containing("SRKIN1884")).isEmpty();
        }
    }
}
