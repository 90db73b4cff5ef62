package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.IncomingFaultsTest.Collector;
import io.smallrye.reactive.messaging.kinesis.incoming.KinesisInboundChannel;
import io.smallrye.reactive.messaging.kinesis.inspect.ChannelSnapshot;
import io.smallrye.reactive.messaging.kinesis.inspect.ChannelStream;
import io.smallrye.reactive.messaging.kinesis.inspect.ShardSnapshot;
import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import io.vertx.core.Context;

/** What tools (the Dev UI) read of an incoming channel: its snapshot, made on the channel's context. */
class IncomingSnapshotTest extends ScriptedKinesisTestBase {

    private Collector start() {
        return runApplication(new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.scripted-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.scripted-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.scripted-in.starting-position", "trim_horizon"), Collector.class);
    }

    private ChannelSnapshot snapshot() {
        KinesisInboundChannel channel = connector().incomingChannels().get(0);
        return channel.snapshot().await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void theSnapshotShowsEachShardsReaderWithItsPositionsAndCounts() {
        kinesis.addShard("shardId-000000000000").withRecords(3);
        kinesis.addShard("shardId-000000000001");
        Collector app = start();
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() == 3);
        String third = kinesis.shard("shardId-000000000000").records.get(2).sequenceNumber();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ChannelSnapshot snapshot = snapshot();
            assertThat(snapshot.channel()).isEqualTo("scripted-in");
            assertThat(snapshot.stream()).isEqualTo("scripted-stream");
            assertThat(snapshot.state()).isEqualTo("running");
            assertThat(snapshot.problem()).isNull();
            assertThat(snapshot.shards()).extracting(ShardSnapshot::shardId)
                    .containsExactlyInAnyOrder("shardId-000000000000", "shardId-000000000001");
            ShardSnapshot read = snapshot.shards().stream()
                    .filter(shard -> shard.shardId().equals("shardId-000000000000")).findFirst().orElseThrow();
            assertThat(read.state()).isEqualTo("reading");
            assertThat(read.lastFetched()).isEqualTo(third);
            assertThat(read.completed()).as("every record acked").isEqualTo(third);
            assertThat(read.fetchedRecords()).isEqualTo(3);
            assertThat(read.pendingRecords()).isZero();
            assertThat(read.getRecordsCalls()).isPositive();
            assertThat(read.millisBehindLatest()).isGreaterThanOrEqualTo(0);
            ShardSnapshot empty = snapshot.shards().stream()
                    .filter(shard -> shard.shardId().equals("shardId-000000000001")).findFirst().orElseThrow();
            assertThat(empty.lastFetched()).isNull();
            assertThat(empty.fetchedRecords()).isZero();
        });
    }

    @Test
    void aShardWhoseCallsFailShowsItsReaderRetryingWithTheProblem() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard("shardId-000000000000");
        for (int call = 1; call <= 50; call++) {
            shard.failCall(call, ScriptedKinesis::throttled);
        }
        start();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(snapshot().shards()).singleElement()
                .satisfies(reader -> {
                    assertThat(reader.state()).isEqualTo("retrying");
                    assertThat(reader.problem()).contains("GetRecords").contains("shardId-000000000000");
                }));
    }

    @Test
    void theSnapshotIsMadeOnTheChannelsContextAndTheConnectorListsTheChannelsStream() {
        kinesis.addShard("shardId-000000000000");
        start();
        AtomicReference<Boolean> onEventLoop = new AtomicReference<>();
        connector().incomingChannels().get(0).snapshot()
                .invoke(() -> onEventLoop.set(Context.isOnEventLoopThread()))
                .await().atMost(Duration.ofSeconds(10));

        assertThat(onEventLoop.get()).as("completed on the channel's event loop").isTrue();
        assertThat(connector().channelStreams()).extracting(ChannelStream::channel, ChannelStream::incoming,
                ChannelStream::stream).containsExactly(
                        tuple("scripted-in", true,
                                "scripted-stream"));
    }
}
