package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.IncomingFaultsTest.Collector;
import io.smallrye.reactive.messaging.kinesis.IncomingFaultsTest.ScriptedStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The incoming channel keeps going where the KCL does, against {@link ScriptedKinesis}: outages and a missing stream
 * at start-up, a stream missing for a while mid-stream (read again as lost-position-strategy says), lost positions (each
 * lost-position-strategy), shards that no
 * longer exist; failures retrying cannot fix still fail the channel. Logs: one line per run of failures.
 */
class IncomingRecoveryTest extends ScriptedKinesisTestBase {

    private static final String SHARD_0 = "shardId-000000000000";
    private static final String SHARD_1 = "shardId-000000000001";

    private static MapBasedConfig channel() {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.scripted-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.scripted-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.scripted-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.scripted-in.retry-backoff", "10ms")
                .with("mp.messaging.incoming.scripted-in.max-retry-backoff", "50ms");
    }

    private static List<String> expected(String shardId, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> shardId + ":" + i).toList();
    }

    private HealthReport.ChannelInfo readiness() {
        return connector().getReadiness().getChannels().stream()
                .filter(info -> info.getChannel().equals("scripted-in")).findFirst().orElseThrow();
    }

    private boolean live() {
        return connector().getLiveness().isOk();
    }

    @Test
    void startUpRidesOutMoreThanTenConnectionFailuresWithOneWarningPerCallAndNoStackTrace() {
        kinesis.addShard(SHARD_0).withRecords(30);
        kinesis.failDescribeCalls(15, ScriptedKinesis::networkError);
        kinesis.failListShardsCalls(12, ScriptedKinesis::networkError);

        try (LogCapture logs = LogCapture.start()) {
            Collector app = runApplication(channel(), Collector.class);

            await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() >= 30);
            assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 0, 30));
            assertThat(kinesis.describeCalls()).isEqualTo(16);
            assertThat(kinesis.listShardsCalls()).isGreaterThanOrEqualTo(13);
            assertThat(live()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> readiness().isOk());
            // 27 failures in a row: one line for each call's run, naming channel, stream, region, that it retries
            assertThat(logs.containing("SRKIN1120")).hasSize(2);
            assertThat(logs.containing("SRKIN1120").get(0)).contains("scripted-in").contains("scripted-stream")
                    .contains("DescribeStreamSummary").contains("region").contains("retrying")
                    .contains("SdkClientException: Unable to execute HTTP request: Connection reset");
            assertThat(logs.containing("SRKIN1120").get(1)).contains("ListShards");
            assertThat(logs.containing("SRKIN1121")).isEmpty(); // the counts come every 30 s
            assertThat(logs.withStackTrace()).isEmpty();
            assertThat(logs.all()).allMatch(line -> !line.contains("\n"));
        }
    }

    @Test
    void aMissingStreamIsWaitedForWithReadinessNamingItThenRead() {
        kinesis.addShard(SHARD_0).withRecords(20);
        kinesis.streamMissing = true;

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.describeCalls() > 12);
        HealthReport.ChannelInfo down = readiness();
        assertThat(down.isOk()).isFalse();
        assertThat(down.getMessage()).contains("scripted-stream").contains("ResourceNotFoundException")
                .contains("DescribeStreamSummary").contains("since").contains("retrying");
        assertThat(live()).isTrue();
        assertThat(app.received()).isEmpty();

        kinesis.streamMissing = false;
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 20);
        assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 0, 20));
        await().atMost(Duration.ofSeconds(5)).until(() -> readiness().isOk());
        assertThat(live()).isTrue();
    }

    @Test
    void aStreamMissingForItsFirstListingsIsListedOnceItExists() {
        kinesis.addShard(SHARD_0).withRecords(10);
        kinesis.failListShardsCalls(20, ScriptedKinesis::resourceNotFound);

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.listShardsCalls() > 5);
        if (kinesis.listShardsCalls() < 20) {
            assertThat(readiness().getMessage()).contains("ListShards").contains("scripted-stream")
                    .contains("ResourceNotFoundException");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 10);
        assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 0, 10));
        await().atMost(Duration.ofSeconds(5)).until(() -> readiness().isOk());
    }

    @Test
    void aStreamThatIsCreatingOrDeletingIsWaitedForWithoutLimit() {
        kinesis.addShard(SHARD_0).withRecords(5);
        kinesis.statuses(StreamStatus.DELETING, StreamStatus.CREATING, StreamStatus.CREATING);

        Collector app = runApplication(channel(), Collector.class);

        await().atMost(Duration.ofSeconds(2)).until(() -> kinesis.describeCalls() >= 1);
        assertThat(readiness().isOk()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 5);
        assertThat(kinesis.describeCalls()).isEqualTo(4);
        assertThat(live()).isTrue();
    }

    /**
     * A stream that answers "not found" while read was deleted: once it is back, the reader's old position means
     * nothing there, so lost-position-strategy applies (trim_horizon by default: the shard is read from its oldest
     * record). The scripted shard keeps its records, so they come again, in order, after the first 30.
     */
    @Test
    void aStreamMissingMidStreamIsWaitedForThenReadFromWhereLostPositionStrategySays() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD_0).withRecords(30);
        Collector app = runApplication(channel(), Collector.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 30);

        try (LogCapture logs = LogCapture.start()) {
            kinesis.streamMissing = true;
            shard.withRecords(20);
            await().atMost(Duration.ofSeconds(10)).until(() -> !readiness().isOk());
            assertThat(readiness().getMessage()).contains(SHARD_0).contains("ResourceNotFoundException");
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);
            assertThat(live()).isTrue();

            kinesis.streamMissing = false;
            await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 80);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                    .until(() -> app.received().size() == 80);
            assertThat(app.received().subList(0, 30)).containsExactlyElementsOf(expected(SHARD_0, 0, 30));
            assertThat(app.received().subList(30, 80)).containsExactlyElementsOf(expected(SHARD_0, 0, 50));
            await().atMost(Duration.ofSeconds(5)).until(() -> readiness().isOk());
            // many failed calls: one WARN line per operation, the lost position once, no stack trace
            assertThat(logs.containing("SRKIN1105")).hasSizeBetween(1, 2).allMatch(line -> line.contains(SHARD_0));
            assertThat(logs.containing("SRKIN1124")).hasSize(1).allMatch(line -> line.contains(SHARD_0));
            assertThat(logs.withStackTrace()).isEmpty();
        }
    }

    /** Shard 0 was processed up to its record 9 (a checkpoint), which GetShardIterator no longer finds. */
    private ScriptedStore lostCheckpoint(RuntimeException answer) {
        kinesis.addShard(SHARD_0).withRecords(30);
        ScriptedStore store = new ScriptedStore();
        ScriptedStore.current = store;
        store.checkpoints.put(SHARD_0, ShardPosition.of(kinesis.shard(SHARD_0).records.get(9).sequenceNumber()));
        addBeans(ScriptedStore.Factory.class);
        kinesis.failNextIteratorRequest(() -> answer);
        return store;
    }

    private MapBasedConfig lostPositionChannel(String strategy) {
        MapBasedConfig config = channel()
                .with("mp.messaging.incoming.scripted-in.checkpoint-store", "scripted-store")
                .with("mp.messaging.incoming.scripted-in.checkpoint-interval", "100ms");
        return strategy == null ? config
                : config.with("mp.messaging.incoming.scripted-in.lost-position-strategy",
                        strategy);
    }

    @Test
    void byDefaultALostPositionIsReadAgainFromTheOldestRecordAndTheCheckpointMovesOn() {
        ScriptedStore store = lostCheckpoint(ScriptedKinesis.sequenceNumberNotFound());
        String lost = store.checkpoints.get(SHARD_0).toString();

        try (LogCapture logs = LogCapture.start()) {
            Collector app = runApplication(lostPositionChannel(null), Collector.class);

            await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 30);
            assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 0, 30));
            assertThat(kinesis.iteratorRequests()).containsExactly(SHARD_0 + " AT_SEQUENCE_NUMBER " + lost,
                    SHARD_0 + " TRIM_HORIZON");
            assertThat(logs.containing("SRKIN1124")).singleElement().satisfies(line -> assertThat(line)
                    .contains("scripted-in").contains(SHARD_0).contains(lost).contains("trim_horizon")
                    .contains("delivered again"));
            await().atMost(Duration.ofSeconds(5)).until(() -> ShardPosition.of(kinesis.shard(SHARD_0).records.get(29)
                    .sequenceNumber()).equals(store.checkpoints.get(SHARD_0)));
            assertThat(live()).isTrue();
        }
    }

    @Test
    void withLatestALostPositionSkipsToTheNewestRecords() {
        lostCheckpoint(ScriptedKinesis.invalidStartingSequenceNumber());
        try (LogCapture logs = LogCapture.start()) {
            Collector app = runApplication(lostPositionChannel("latest"), Collector.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> readiness().isOk());
            assertThat(kinesis.iteratorRequests()).last().isEqualTo(SHARD_0 + " LATEST");

            kinesis.shard(SHARD_0).withRecords(5);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 5);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> app.received().size() == 5);
            assertThat(app.received()).containsExactlyElementsOf(expected(SHARD_0, 30, 35));
            assertThat(logs.containing("SRKIN1124")).singleElement().satisfies(line -> assertThat(line)
                    .contains("latest").contains("skipped"));
        }
    }

    @Test
    void withFailALostPositionFailsTheChannelNamingShardPositionAndStream() {
        ScriptedStore store = lostCheckpoint(ScriptedKinesis.sequenceNumberNotFound());
        String lost = store.checkpoints.get(SHARD_0).toString();
        Collector app = runApplication(lostPositionChannel("fail"), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> !live());
        assertThat(connector().getLiveness().getChannels()).anySatisfy(info -> assertThat(info.getMessage())
                .contains("SRKIN2110").contains(SHARD_0).contains(lost).contains("scripted-stream")
                .contains("lost-position-strategy"));
        assertThat(app.received()).isEmpty();
    }

    @Test
    void aShardThatNoLongerExistsEndsItsReaderAndTheOthersGoOn() {
        kinesis.addShard(SHARD_0).withRecords(10);
        ScriptedKinesis.ScriptedShard second = kinesis.addShard(SHARD_1).withRecords(10);
        try (LogCapture logs = LogCapture.start()) {
            Collector app = runApplication(channel()
                    .with("mp.messaging.incoming.scripted-in.shard-discovery-interval", "300ms"), Collector.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 20);

            second.gone();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> connector().inboundChannel("scripted-in").activeShards() == 1);
            kinesis.shard(SHARD_0).withRecords(5);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 25);
            await().atMost(Duration.ofSeconds(5)).until(() -> readiness().isOk());
            assertThat(live()).isTrue();
            assertThat(logs.withStackTrace()).isEmpty();
        }
    }

    @Test
    void accessDeniedAtStartUpStillFailsTheChannelWithAClearError() {
        kinesis.addShard(SHARD_0).withRecords(5);
        kinesis.failDescribeCalls(1, ScriptedKinesis::accessDenied);
        try (LogCapture logs = LogCapture.start()) {
            runApplication(channel(), Collector.class);

            await().atMost(Duration.ofSeconds(10)).until(() -> !live());
            assertThat(connector().getLiveness().getChannels()).anySatisfy(info -> assertThat(info.getMessage())
                    .contains("scripted-stream").contains("DescribeStreamSummary").contains("AccessDeniedException")
                    .contains("retrying cannot fix"));
            assertThat(kinesis.describeCalls()).isEqualTo(1);
            assertThat(logs.containing("SRKIN1106")).singleElement().satisfies(line -> assertThat(line)
                    .contains("AccessDeniedException"));
            assertThat(logs.withStackTrace()).isEmpty();
        }
    }
}
