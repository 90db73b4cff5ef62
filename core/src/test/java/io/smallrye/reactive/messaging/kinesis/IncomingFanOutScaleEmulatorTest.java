package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynaliteTables;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Enhanced fan-out at scale against kinesis-mock (h2c on its plain port): one channel holds a subscription (one HTTP/2
 * stream for its whole life) on every shard, more than the SDK's default client concurrency of 50; and one channel
 * reads several streams, one consumer registration per stream under one consumer name.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingFanOutScaleEmulatorTest extends WeldTestBase {

    static KinesisMock kinesis;
    static Dynalite dynalite;

    @BeforeAll
    static void emulators(KinesisMock mock) {
        kinesis = mock;
        dynalite = new Dynalite();
        dynalite.start();
    }

    @AfterAll
    static void stopDynalite() {
        dynalite.stop();
    }

    static String newStream(int shards) {
        String stream = "fan-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, shards);
        return stream;
    }

    static MapBasedConfig channel(String attribute, String streams) {
        String prefix = "mp.messaging.incoming.fan-in.";
        return new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + attribute, streams)
                .with(prefix + "region", kinesis.region())
                .with(prefix + "endpoint-override", kinesis.endpoint().toString())
                .with(prefix + "starting-position", "trim_horizon")
                .with(prefix + "consumer-mode", "fan-out")
                .with(prefix + "consumer-name", "scale-app")
                .with(prefix + "retry-backoff", "100ms")
                .with(prefix + "max-retry-backoff", "500ms");
    }

    /** Writes one record to every shard (explicit hash key: the shard's first hash key), named after the shard. */
    static List<String> oneRecordPerShard(String stream) {
        List<Shard> shards = kinesis.client().listShards(r -> r.streamName(stream)).join().shards();
        List<PutRecordsRequestEntry> entries = shards.stream().map(shard -> PutRecordsRequestEntry.builder()
                .partitionKey("k").explicitHashKey(shard.hashKeyRange().startingHashKey())
                .data(SdkBytes.fromUtf8String(shard.shardId())).build()).toList();
        StreamWriter.putAll(kinesis.client(), stream, entries);
        return shards.stream().map(Shard::shardId).toList();
    }

    static String streamArn(String stream) {
        return kinesis.client().describeStreamSummary(r -> r.streamName(stream)).join().streamDescriptionSummary()
                .streamARN();
    }

    @Test
    void aFanOutChannelOnMoreShardsThanTheSdkDefaultConcurrencyReceivesFromEveryShard() {
        String stream = newStream(60);
        List<String> shards = oneRecordPerShard(stream);
        assertThat(shards).hasSize(60);

        Collector app = runApplication(channel("stream", stream), Collector.class);

        // with the SDK's default of 50 concurrent requests, the 51st subscription waits for a stream that the first 50
        // hold for 5 minutes: its shard is never read (and ListShards, checkpoints... wait as well)
        await().atMost(Duration.ofSeconds(90)).until(() -> app.received().size() >= 60);
        assertThat(app.received()).extracting(Received::payload).containsExactlyInAnyOrderElementsOf(shards);
        assertThat(app.received()).allSatisfy(r -> assertThat(r.payload()).isEqualTo(r.metadata().getShardId()));
        assertThat(connector().inboundChannel("fan-in").activeShards()).isEqualTo(60);
        assertThat(connector().getReadiness().isOk()).isTrue();
    }

    @Test
    void oneFanOutChannelReadsSeveralStreamsWithOneConsumerRegisteredOnEach() {
        String eu = newStream(2);
        String us = newStream(1);
        write(eu, "eu-", 0, 30);
        write(us, "us-", 0, 20);

        Collector app = runApplication(channel("streams", eu + ", " + us), Collector.class);

        await().atMost(Duration.ofSeconds(60)).until(() -> app.received().size() >= 50);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> app.received().size() == 50);
        List<String> expected = new ArrayList<>();
        IntStream.range(0, 30).forEach(i -> expected.add(eu + "/eu-" + i));
        IntStream.range(0, 20).forEach(i -> expected.add(us + "/us-" + i));
        assertThat(app.received()).extracting(r -> r.metadata().getStream() + "/" + r.payload())
                .containsExactlyInAnyOrderElementsOf(expected);
        for (String stream : List.of(eu, us)) {
            var consumers = kinesis.client().listStreamConsumers(r -> r.streamARN(streamArn(stream))).join().consumers();
            assertThat(consumers).as("the consumers of " + stream).singleElement().satisfies(consumer -> {
                assertThat(consumer.consumerName()).isEqualTo("scale-app");
                assertThat(consumer.consumerStatus()).isEqualTo(ConsumerStatus.ACTIVE);
            });
        }
        assertThat(connector().getReadiness().isOk()).isTrue();
    }

    @Test
    void severalStreamsInFanOutKeepTheirLeasesAndCheckpointsApartAcrossARestart() {
        String eu = newStream(1);
        String us = newStream(1);
        write(eu, "eu-", 0, 5);
        write(us, "us-", 0, 5);
        String table = DynaliteTables.newTableName();
        MapBasedConfig leases = channel("streams", eu + "," + us)
                .with("mp.messaging.incoming.fan-in.checkpoint-store", "dynamodb")
                .with("mp.messaging.incoming.fan-in.application-name", table)
                .with("mp.messaging.incoming.fan-in.checkpoint-interval", "200ms")
                .with("mp.messaging.incoming.fan-in.failover-time", "1500ms")
                .with("mp.messaging.incoming.fan-in.dynamodb-endpoint-override", dynalite.endpoint().toString());

        Collector first = runApplication(leases.with("mp.messaging.incoming.fan-in.worker-id", "first"),
                Collector.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> first.received().size() >= 10);
        container.shutdown();

        write(eu, "eu-", 5, 8);
        write(us, "us-", 5, 7);
        initWeld();
        Collector second = runApplication(leases.with("mp.messaging.incoming.fan-in.worker-id", "second"),
                Collector.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> second.received().size() >= 5);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> second.received().size() == 5);
        assertThat(second.received()).as("only the records written after the restart, each with its stream")
                .extracting(r -> r.metadata().getStream() + "/" + r.payload())
                .containsExactlyInAnyOrder(eu + "/eu-5", eu + "/eu-6", eu + "/eu-7", us + "/us-5", us + "/us-6");
    }

    static void write(String stream, String prefix, int from, int to) {
        StreamWriter.putAll(kinesis.client(), stream,
                IntStream.range(from, to).mapToObj(i -> StreamWriter.entry("key-" + i, prefix + i)).toList());
    }

    record Received(String payload, IncomingKinesisMetadata metadata) {
    }

    @ApplicationScoped
    public static class Collector {
        private final List<Received> received = new CopyOnWriteArrayList<>();

        List<Received> received() {
            return new ArrayList<>(received);
        }

        @Incoming("fan-in")
        CompletionStage<Void> consume(Message<byte[]> message) {
            received.add(new Received(new String(message.getPayload(), StandardCharsets.UTF_8),
                    message.getMetadata(IncomingKinesisMetadata.class).orElseThrow()));
            return message.ack();
        }
    }
}
