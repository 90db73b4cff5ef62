package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.providers.locals.LocalContextMetadata;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import io.vertx.core.Context;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The incoming channel against kinesis-mock: starting positions, metadata, order, payloads, a stream that does not
 * exist yet, a stream deleted and recreated while read.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingEmulatorTest extends WeldTestBase {

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    static String newStream(int shards) {
        String stream = "in-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, shards);
        return stream;
    }

    static MapBasedConfig channel(String stream, String startingPosition) {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.orders-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.orders-in.stream", stream)
                .with("mp.messaging.incoming.orders-in.region", kinesis.region())
                .with("mp.messaging.incoming.orders-in.endpoint-override", kinesis.endpoint().toString())
                .with("mp.messaging.incoming.orders-in.starting-position", startingPosition);
    }

    static List<PutRecordsRequestEntry> records(String prefix, int count, int keys) {
        return IntStream.range(0, count)
                .mapToObj(i -> StreamWriter.entry("key-" + (i % keys), prefix + i))
                .toList();
    }

    private HealthReport readiness() {
        return connector().getReadiness();
    }

    @Test
    void trimHorizonDeliversEveryRecordOnceInShardOrderWithItsMetadata() {
        String stream = newStream(4);
        StreamWriter.putAll(kinesis.client(), stream, records("r-", 1_000, 40));
        List<KinesisMock.ShardRecord> stored = kinesis.readAll(stream);
        assertThat(stored).hasSize(1_000);
        assertThat(stored.stream().map(KinesisMock.ShardRecord::shardId).distinct()).hasSize(4);

        Collector app = runApplication(channel(stream, "trim_horizon"), Collector.class);

        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 1_000);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> app.received().size() == 1_000);

        Map<String, KinesisMock.ShardRecord> bySequence = stored.stream()
                .collect(Collectors.toMap(KinesisMock.ShardRecord::sequenceNumber, r -> r));
        for (Received received : app.received()) {
            IncomingKinesisMetadata metadata = received.metadata();
            KinesisMock.ShardRecord expected = bySequence.get(metadata.getSequenceNumber());
            assertThat(expected).as("record %s", metadata.getSequenceNumber()).isNotNull();
            assertThat(received.payload()).isEqualTo(expected.dataAsUtf8());
            assertThat(metadata.getStream()).isEqualTo(stream);
            assertThat(metadata.getShardId()).isEqualTo(expected.shardId());
            assertThat(metadata.getPartitionKey()).isEqualTo(expected.partitionKey());
            assertThat(metadata.getSubSequenceNumber()).isZero();
            assertThat(metadata.getExplicitHashKey()).isEmpty();
            assertThat(metadata.getApproximateArrivalTimestamp())
                    .isEqualTo(expected.record().approximateArrivalTimestamp());
            assertThat(metadata.getMillisBehindLatest()).isNotNegative();
            assertThat(received.onEventLoopWithContext()).isTrue();
        }
        // every record once, and per shard in the shard's order
        assertThat(app.received().stream().map(r -> r.metadata().getSequenceNumber()).distinct()).hasSize(1_000);
        Map<String, List<String>> storedPerShard = perShard(stored.stream()
                .map(r -> new String[] { r.shardId(), r.sequenceNumber() }).toList());
        Map<String, List<String>> receivedPerShard = perShard(app.received().stream()
                .map(r -> new String[] { r.metadata().getShardId(), r.metadata().getSequenceNumber() }).toList());
        assertThat(receivedPerShard).isEqualTo(storedPerShard);
        assertThat(readiness().isOk()).isTrue();
        assertThat(connector().getLiveness().isOk()).isTrue();
    }

    private static Map<String, List<String>> perShard(List<String[]> shardAndSequence) {
        Map<String, List<String>> perShard = new HashMap<>();
        shardAndSequence.forEach(pair -> perShard.computeIfAbsent(pair[0], k -> new ArrayList<>()).add(pair[1]));
        return perShard;
    }

    @Test
    void latestDeliversOnlyRecordsWrittenAfterTheStart() {
        String stream = newStream(4);
        StreamWriter.putAll(kinesis.client(), stream, records("before-", 200, 40));

        Collector app = runApplication(channel(stream, "latest"), Collector.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> readiness().isOk());
        StreamWriter.putAll(kinesis.client(), stream, records("after-", 200, 40));

        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 200);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> app.received().size() == 200);
        assertThat(app.received()).extracting(Received::payload)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 200).mapToObj(i -> "after-" + i).toList());
    }

    @Test
    void atTimestampDeliversRecordsFromTheTimestampAsStrings() throws InterruptedException {
        String stream = newStream(4);
        StreamWriter.putAll(kinesis.client(), stream, records("before-", 200, 40));
        Thread.sleep(1_000);
        Instant timestamp = Instant.now();
        Thread.sleep(1_000);
        StreamWriter.putAll(kinesis.client(), stream, records("after-", 200, 40));

        StringCollector app = runApplication(channel(stream, "at_timestamp")
                .with("mp.messaging.incoming.orders-in.starting-timestamp", timestamp.toString()), StringCollector.class);

        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 200);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> app.received().size() == 200);
        assertThat(app.received())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 200).mapToObj(i -> "after-" + i).toList());
    }

    @Test
    void binaryEmptyAndMaximumSizePayloadsPassUnchanged() {
        String stream = newStream(1);
        Random random = new Random(42);
        List<byte[]> payloads = new ArrayList<>();
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByte[i] = (byte) i;
        }
        payloads.add(everyByte);
        payloads.add(new byte[0]);
        byte[] noise = new byte[10_000];
        random.nextBytes(noise);
        payloads.add(noise);
        byte[] largest = new byte[1024 * 1024 - 1]; // with the 1-character partition key: exactly 1 MiB
        random.nextBytes(largest);
        payloads.add(largest);
        for (byte[] payload : payloads) {
            StreamWriter.putAll(kinesis.client(), stream, List.of(StreamWriter.entry("k", payload)));
        }

        Collector app = runApplication(channel(stream, "trim_horizon"), Collector.class);

        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= payloads.size());
        assertThat(app.received()).hasSize(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(Arrays.equals(app.received().get(i).bytes(), payloads.get(i))).as("payload %d", i).isTrue();
        }
    }

    @Test
    void aChannelStartedBeforeItsStreamExistsWaitsForItThenReads() {
        String stream = "in-later-" + UUID.randomUUID().toString().substring(0, 8);
        Collector app = runApplication(channel(stream, "trim_horizon")
                .with("mp.messaging.incoming.orders-in.max-retry-backoff", "500ms"), Collector.class);

        // not a fatal failure: readiness names the missing stream and the region, liveness stays up
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HealthReport readiness = readiness();
            assertThat(readiness.isOk()).isFalse();
            assertThat(readiness.getChannels()).anySatisfy(info -> {
                assertThat(info.getChannel()).isEqualTo("orders-in");
                assertThat(info.getMessage()).contains(stream).contains(kinesis.region())
                        .contains("ResourceNotFoundException").contains("retrying");
            });
        });
        assertThat(connector().getLiveness().isOk()).isTrue();

        kinesis.createStream(stream, 2);
        StreamWriter.putAll(kinesis.client(), stream, records("r-", 100, 10));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 100);
        assertThat(app.received()).extracting(Received::payload)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).mapToObj(i -> "r-" + i).toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness().isOk());
        assertThat(connector().getLiveness().isOk()).isTrue();
    }

    @Test
    void aStreamDeletedAndRecreatedWhileReadIsReadAgainOnceBack() {
        String stream = newStream(2);
        Collector app = runApplication(channel(stream, "trim_horizon")
                .with("mp.messaging.incoming.orders-in.max-retry-backoff", "500ms")
                .with("mp.messaging.incoming.orders-in.shard-discovery-interval", "1s"), Collector.class);
        StreamWriter.putAll(kinesis.client(), stream, records("before-", 100, 10));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 100);
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness().isOk());

        LogCapture logs = LogCapture.start();
        kinesis.deleteStream(stream);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HealthReport readiness = readiness();
            assertThat(readiness.isOk()).isFalse();
            assertThat(readiness.getChannels()).anySatisfy(info -> assertThat(info.getMessage()).contains(stream)
                    .contains("ResourceNotFoundException"));
        });
        assertThat(connector().getLiveness().isOk()).isTrue();

        // recreated with one more shard: the readers of shards 0 and 1 go on, shard 2 is found by discovery
        kinesis.createStream(stream, 3);
        StreamWriter.putAll(kinesis.client(), stream, records("after-", 150, 30));
        await().atMost(Duration.ofSeconds(60)).until(() -> app.received().stream()
                .filter(received -> received.payload().startsWith("after-")).count() >= 150);
        assertThat(app.received().stream().map(Received::payload).filter(payload -> payload.startsWith("after-")))
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 150).mapToObj(i -> "after-" + i).toList());
        await().atMost(Duration.ofSeconds(20)).until(() -> readiness().isOk());
        assertThat(connector().getLiveness().isOk()).isTrue();
        assertThat(connector().inboundChannel("orders-in").activeShards()).isEqualTo(3);
        logs.close();
        // every failed call of the outage: at most one line per shard and operation, none with a stack trace
        assertThat(logs.containing("SRKIN1105")).hasSizeBetween(2, 4);
        // the readers stood at positions of the deleted stream: each lost it once (read again from the oldest)
        assertThat(logs.containing("SRKIN1124")).hasSizeBetween(1, 2);
        assertThat(logs.withStackTrace()).isEmpty();
        kinesis.deleteStream(stream);
    }

    @Test
    void splitWhileRecordsArriveDeliversAllParentsRecordsBeforeTheChildrens() throws Exception {
        String stream = newStream(1);
        // a small prefetch and a frequent listing: the children are listed while the parent still has a backlog
        SlowCollector app = runApplication(channel(stream, "trim_horizon")
                .with("mp.messaging.incoming.orders-in.max-pending-records", 50)
                .with("mp.messaging.incoming.orders-in.shard-discovery-interval", "500ms"), SlowCollector.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> readiness().isOk());

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> writes = writer.submit(() -> {
            while (writing.get()) {
                int first = written.get();
                StreamWriter.putAll(kinesis.client(), stream, IntStream.range(first, first + 40)
                        .mapToObj(i -> StreamWriter.entry("key-" + (i % 20), String.valueOf(i))).toList());
                written.addAndGet(40);
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        });
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> written.get() >= 400);
            kinesis.client().splitShard(r -> r.streamName(stream).shardToSplit("shardId-000000000000")
                    .newStartingHashKey(BigInteger.ONE.shiftLeft(127).toString())).get(30, TimeUnit.SECONDS);
            int atSplit = written.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> written.get() >= atSplit + 400);
        } finally {
            writing.set(false);
            writes.get(30, TimeUnit.SECONDS);
            writer.shutdown();
        }

        int total = written.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> app.received().size() >= total);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> app.received().size() == total);

        assertThat(app.received().stream().map(Received::payload).distinct()).hasSize(total);
        Map<String, List<Received>> perKey = app.received().stream()
                .collect(Collectors.groupingBy(r -> r.metadata().getPartitionKey()));
        assertThat(perKey).hasSize(20);
        String parent = "shardId-000000000000";
        perKey.forEach((key, received) -> {
            List<Integer> order = received.stream().map(r -> Integer.parseInt(r.payload())).toList();
            assertThat(order).as("order of key %s", key).isSorted();
            List<String> shards = received.stream().map(r -> r.metadata().getShardId()).toList();
            assertThat(shards.lastIndexOf(parent)).as("last parent record of key %s before its first child record", key)
                    .isLessThan(shards.indexOf(shards.stream().filter(s -> !s.equals(parent)).findFirst()
                            .orElseThrow(() -> new AssertionError("no child record for key " + key))));
        });
    }

    /** A received message, as the consumer saw it. */
    record Received(byte[] bytes, IncomingKinesisMetadata metadata, boolean onEventLoopWithContext) {
        String payload() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @ApplicationScoped
    public static class Collector {
        final List<Received> received = new CopyOnWriteArrayList<>();

        List<Received> received() {
            return received;
        }

        @Incoming("orders-in")
        CompletionStage<Void> consume(Message<byte[]> message) {
            received.add(new Received(message.getPayload(),
                    message.getMetadata(IncomingKinesisMetadata.class).orElseThrow(),
                    Context.isOnEventLoopThread() && message.getMetadata(LocalContextMetadata.class).isPresent()));
            return message.ack();
        }
    }

    /** Takes about 2 ms per message, so that the parent shard still has a backlog when its children appear. */
    @ApplicationScoped
    public static class SlowCollector {
        private final Executor later = CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS);
        final List<Received> received = new CopyOnWriteArrayList<>();

        List<Received> received() {
            return received;
        }

        @Incoming("orders-in")
        CompletionStage<Void> consume(Message<byte[]> message) {
            received.add(new Received(message.getPayload(),
                    message.getMetadata(IncomingKinesisMetadata.class).orElseThrow(), true));
            return CompletableFuture.runAsync(() -> {
            }, later).thenCompose(ignored -> message.ack());
        }
    }

    @ApplicationScoped
    public static class StringCollector {
        final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return received;
        }

        @Incoming("orders-in")
        void consume(String payload) {
            received.add(payload);
        }
    }
}
