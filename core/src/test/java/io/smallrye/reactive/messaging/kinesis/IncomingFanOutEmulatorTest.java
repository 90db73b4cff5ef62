package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynaliteTables;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Enhanced fan-out against kinesis-mock (SubscribeToShard over h2c on its plain port): records round-trip through a
 * consumer the channel registers, a second subscriber of the same consumer gets ResourceInUseException and recovers
 * once the first goes, a restarted application resumes from its checkpoint (dynalite lease table), TLS with ALPN on
 * its TLS port, and batches of one event. kinesis-mock
 * cannot show renewal before its 300 s subscriptions end, resharding (it sends no child shards) nor fan-out's latency:
 * {@link IncomingFanOutTest} covers those with a scripted fake.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingFanOutEmulatorTest extends WeldTestBase {

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

    static MapBasedConfig channel(String stream) {
        String prefix = "mp.messaging.incoming.fan-in.";
        return new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "stream", stream)
                .with(prefix + "region", kinesis.region())
                .with(prefix + "endpoint-override", kinesis.endpoint().toString())
                .with(prefix + "starting-position", "trim_horizon")
                .with(prefix + "consumer-mode", "fan-out")
                .with(prefix + "retry-backoff", "100ms")
                .with(prefix + "max-retry-backoff", "500ms");
    }

    static void write(String stream, int from, int to) {
        StreamWriter.putAll(kinesis.client(), stream,
                IntStream.range(from, to).mapToObj(i -> StreamWriter.entry("key-" + (i % 20), "m-" + i)).toList());
    }

    static List<String> payloads(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m-" + i).toList();
    }

    static String streamArn(String stream) {
        return kinesis.client().describeStreamSummary(r -> r.streamName(stream)).join().streamDescriptionSummary()
                .streamARN();
    }

    @Test
    void recordsRoundTripThroughARegisteredConsumerOncePerShardInOrder() {
        String stream = newStream(2);
        write(stream, 0, 200);
        List<KinesisMock.ShardRecord> stored = kinesis.readAll(stream);

        Collector app = runApplication(channel(stream).with("mp.messaging.incoming.fan-in.consumer-name", "orders-app"),
                Collector.class);

        await().atMost(Duration.ofSeconds(60)).until(() -> app.received().size() >= 200);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> app.received().size() == 200);
        Map<String, List<String>> storedPerShard = new HashMap<>();
        stored.forEach(r -> storedPerShard.computeIfAbsent(r.shardId(), k -> new ArrayList<>()).add(r.sequenceNumber()));
        Map<String, List<String>> receivedPerShard = new HashMap<>();
        app.received().forEach(r -> receivedPerShard.computeIfAbsent(r.metadata().getShardId(), k -> new ArrayList<>())
                .add(r.metadata().getSequenceNumber()));
        assertThat(receivedPerShard).isEqualTo(storedPerShard);
        assertThat(app.received()).allSatisfy(r -> assertThat(r.metadata().getMillisBehindLatest()).isNotNegative());
        // the consumer was registered by the channel, and is kept (consumer-deregister-on-stop is off)
        var consumer = kinesis.client().describeStreamConsumer(r -> r.streamARN(streamArn(stream))
                .consumerName("orders-app")).join().consumerDescription();
        assertThat(consumer.consumerStatus()).isEqualTo(ConsumerStatus.ACTIVE);
        assertThat(connector().getReadiness().isOk()).isTrue();
        container.shutdown();
        assertThat(kinesis.client().listStreamConsumers(r -> r.streamARN(streamArn(stream))).join().consumers())
                .extracting(c -> c.consumerName()).containsExactly("orders-app");
    }

    @Test
    void aSecondSubscriberGetsResourceInUseAndRecoversOnceTheFirstGoes() throws Exception {
        String stream = newStream(1);
        String arn = kinesis.client().registerStreamConsumer(r -> r.streamARN(streamArn(stream)).consumerName("shared"))
                .join().consumer().consumerARN();
        await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.client().describeStreamConsumer(r -> r.consumerARN(arn))
                .join().consumerDescription().consumerStatus() == ConsumerStatus.ACTIVE);
        String shardId = kinesis.readAll(stream).isEmpty()
                ? kinesis.client().listShards(r -> r.streamName(stream)).join().shards().get(0).shardId()
                : null;
        // the first subscriber: another node that still holds the shard
        AtomicReference<Subscription> first = new AtomicReference<>();
        CompletableFuture<Void> firstDone = kinesis.client().subscribeToShard(r -> r.consumerARN(arn).shardId(shardId)
                .startingPosition(p -> p.type(ShardIteratorType.LATEST)), SubscribeToShardResponseHandler.builder()
                        .subscriber(() -> new Subscriber<SubscribeToShardEventStream>() {
                            @Override
                            public void onSubscribe(Subscription subscription) {
                                first.set(subscription);
                                subscription.request(Long.MAX_VALUE);
                            }

                            @Override
                            public void onNext(SubscribeToShardEventStream event) {
                            }

                            @Override
                            public void onError(Throwable failure) {
                            }

                            @Override
                            public void onComplete() {
                            }
                        }).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> first.get() != null);
        write(stream, 0, 20);

        Collector app = runApplication(channel(stream).with("mp.messaging.incoming.fan-in.consumer-arn", arn),
                Collector.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> message(connector().getReadiness())
                .contains("ResourceInUseException"));
        assertThat(app.received()).isEmpty();

        first.get().cancel();
        firstDone.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 20);
        assertThat(app.payloads()).containsExactlyElementsOf(payloads(0, 20));
        await().atMost(Duration.ofSeconds(10)).until(() -> connector().getReadiness().isOk());
    }

    @Test
    void aFanOutChannelReceivesOverTlsWithAlpnOnTheLocalTlsPort() {
        String stream = newStream(1);
        write(stream, 0, 20);

        Collector app = runApplication(channel(stream)
                .with("mp.messaging.incoming.fan-in.endpoint-override", "https://localhost:" + kinesis.tlsPort()),
                Collector.class);

        // without ALPN, kinesis-mock's TLS port closes every HTTP/2 connection ("The channel was closed before the
        // protocol could be determined"); its certificate is self-signed, trusted only because the endpoint is local
        await().atMost(Duration.ofSeconds(60)).until(() -> app.received().size() >= 20);
        assertThat(app.payloads()).containsExactlyElementsOf(payloads(0, 20));
        assertThat(connector().getReadiness().isOk()).isTrue();
    }

    @Test
    void aBatchCarriesTheRecordsOfOneEventOfOneShard() {
        String stream = newStream(2);
        write(stream, 0, 60);
        List<KinesisMock.ShardRecord> stored = kinesis.readAll(stream);

        BatchCollector app = runApplication(channel(stream).with("mp.messaging.incoming.fan-in.batch", true),
                BatchCollector.class);

        await().atMost(Duration.ofSeconds(60)).until(() -> app.count() >= 60);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> app.count() == 60);
        // kinesis-mock sends what a shard has in one event: every batch is one shard's, in the stored order
        assertThat(app.batches()).allSatisfy(batch -> assertThat(batch.getRecords())
                .extracting(IncomingKinesisMetadata::getShardId).containsOnly(batch.getShardId()));
        Map<String, List<String>> storedPerShard = new HashMap<>();
        stored.forEach(r -> storedPerShard.computeIfAbsent(r.shardId(), k -> new ArrayList<>()).add(r.sequenceNumber()));
        Map<String, List<String>> receivedPerShard = new HashMap<>();
        app.batches().forEach(batch -> batch.getRecords().forEach(r -> receivedPerShard
                .computeIfAbsent(r.getShardId(), k -> new ArrayList<>()).add(r.getSequenceNumber())));
        assertThat(receivedPerShard).isEqualTo(storedPerShard);
        assertThat(app.batches().size()).as("an event holds what the shard has: several records per batch")
                .isLessThan(60);
    }

    @ApplicationScoped
    public static class BatchCollector {
        private final List<IncomingKinesisBatchMetadata> batches = new CopyOnWriteArrayList<>();

        List<IncomingKinesisBatchMetadata> batches() {
            return new ArrayList<>(batches);
        }

        int count() {
            return batches.stream().mapToInt(IncomingKinesisBatchMetadata::size).sum();
        }

        @Incoming("fan-in")
        CompletionStage<Void> consume(Message<List<byte[]>> batch) {
            batches.add(batch.getMetadata(IncomingKinesisBatchMetadata.class).orElseThrow());
            return batch.ack();
        }
    }

    private static String message(HealthReport report) {
        return report.getChannels().stream().map(HealthReport.ChannelInfo::getMessage)
                .filter(java.util.Objects::nonNull).reduce("", String::concat);
    }

    @Test
    void aRestartedApplicationResumesFromItsCheckpoint() {
        String stream = newStream(1);
        write(stream, 0, 10);
        String table = DynaliteTables.newTableName();
        MapBasedConfig leases = channel(stream)
                .with("mp.messaging.incoming.fan-in.checkpoint-store", "dynamodb")
                .with("mp.messaging.incoming.fan-in.application-name", table)
                .with("mp.messaging.incoming.fan-in.checkpoint-interval", "200ms")
                .with("mp.messaging.incoming.fan-in.failover-time", "1500ms")
                .with("mp.messaging.incoming.fan-in.dynamodb-endpoint-override", dynalite.endpoint().toString());

        Collector first = runApplication(leases.with("mp.messaging.incoming.fan-in.worker-id", "first"),
                Collector.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.received().size() >= 10);
        assertThat(first.payloads()).containsExactlyElementsOf(payloads(0, 10));
        container.shutdown();

        write(stream, 10, 15);
        initWeld(); // a new application, as after a restart: same consumer (named after the table), same leases
        Collector second = runApplication(leases.with("mp.messaging.incoming.fan-in.worker-id", "second"),
                Collector.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.received().size() >= 5);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> second.received().size() == 5);
        assertThat(second.payloads()).as("only the records written after the restart")
                .containsExactlyElementsOf(payloads(10, 15));
    }

    record Received(String payload, IncomingKinesisMetadata metadata) {
    }

    @ApplicationScoped
    public static class Collector {
        private final List<Received> received = new CopyOnWriteArrayList<>();

        List<Received> received() {
            return new ArrayList<>(received);
        }

        List<String> payloads() {
            return received.stream().map(Received::payload).toList();
        }

        @Incoming("fan-in")
        CompletionStage<Void> consume(Message<byte[]> message) {
            received.add(new Received(new String(message.getPayload(), StandardCharsets.UTF_8),
                    message.getMetadata(IncomingKinesisMetadata.class).orElseThrow()));
            return message.ack();
        }
    }
}
