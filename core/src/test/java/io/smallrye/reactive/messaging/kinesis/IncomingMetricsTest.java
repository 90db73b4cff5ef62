package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * What an incoming channel reports to the host's metrics, against kinesis-mock: GetRecords calls, records and bytes
 * received, millis-behind-latest per shard, checkpoints written, and the end of reading each shard.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingMetricsTest extends WeldTestBase {

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    @Test
    void readingIsCountedPerChannelStreamAndShard() {
        String stream = "im-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 2);
        List<String> payloads = IntStream.range(0, 20).mapToObj(i -> "record-" + i).toList();
        StreamWriter.putAll(kinesis.client(), stream,
                IntStream.range(0, 20).mapToObj(i -> StreamWriter.entry("key-" + i, payloads.get(i))).toList());
        long bytes = payloads.stream().mapToLong(p -> p.getBytes(StandardCharsets.UTF_8).length).sum();
        RecordingIncomingMetrics.STOPPED_SHARDS.clear();
        addBeans(RecordingIncomingMetrics.class);
        Consumer app = runApplication(new MapBasedConfig()
                .with("mp.messaging.incoming.metered.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.metered.stream", stream)
                .with("mp.messaging.incoming.metered.region", kinesis.region())
                .with("mp.messaging.incoming.metered.endpoint-override", kinesis.endpoint().toString())
                .with("mp.messaging.incoming.metered.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.metered.checkpoint-interval", "100ms"), Consumer.class);
        RecordingIncomingMetrics metrics = get(RecordingIncomingMetrics.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() == 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.checkpointedShards().size() == 2);

        assertThat(metrics.received()).isEqualTo(20);
        assertThat(metrics.receivedBytes()).isEqualTo(bytes);
        assertThat(metrics.answered()).isGreaterThanOrEqualTo(2);
        assertThat(metrics.failedCalls()).isZero();
        assertThat(metrics.behindByShard()).containsOnlyKeys("shardId-000000000000", "shardId-000000000001");
        assertThat(metrics.labels()).containsOnly("metered|" + stream);

        container.shutdown();
        assertThat(RecordingIncomingMetrics.STOPPED_SHARDS).containsExactlyInAnyOrder("shardId-000000000000",
                "shardId-000000000001");
    }

    @ApplicationScoped
    public static class Consumer {
        private final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return received;
        }

        @Incoming("metered")
        void consume(String payload) {
            received.add(payload);
        }
    }

    @ApplicationScoped
    public static class RecordingIncomingMetrics implements KinesisMetrics {
        private final AtomicInteger answered = new AtomicInteger();
        private final AtomicInteger failedCalls = new AtomicInteger();
        private final AtomicInteger received = new AtomicInteger();
        private final AtomicLong receivedBytes = new AtomicLong();
        private final Map<String, Long> behindByShard = new ConcurrentHashMap<>();
        private final Set<String> checkpointedShards = ConcurrentHashMap.newKeySet();
        /** Static: read after the container (and this bean's context) is gone. */
        static final List<String> STOPPED_SHARDS = new CopyOnWriteArrayList<>();
        private final Set<String> labels = ConcurrentHashMap.newKeySet();

        @Override
        public void getRecordsAnswered(String channel, String stream, String shardId, boolean failed) {
            labels.add(channel + "|" + stream);
            (failed ? failedCalls : answered).incrementAndGet();
        }

        @Override
        public void recordsReceived(String channel, String stream, int records, long bytes) {
            labels.add(channel + "|" + stream);
            received.addAndGet(records);
            receivedBytes.addAndGet(bytes);
        }

        @Override
        public void millisBehindLatest(String channel, String stream, String shardId, long millis) {
            labels.add(channel + "|" + stream);
            behindByShard.put(shardId, millis);
        }

        @Override
        public void shardReadingStopped(String channel, String stream, String shardId) {
            STOPPED_SHARDS.add(shardId);
        }

        @Override
        public void checkpointWritten(String channel, String stream, String shardId) {
            labels.add(channel + "|" + stream);
            checkpointedShards.add(shardId);
        }

        int answered() {
            return answered.get();
        }

        int failedCalls() {
            return failedCalls.get();
        }

        int received() {
            return received.get();
        }

        long receivedBytes() {
            return receivedBytes.get();
        }

        Map<String, Long> behindByShard() {
            return Map.copyOf(behindByShard);
        }

        Set<String> checkpointedShards() {
            return Set.copyOf(checkpointedShards);
        }

        Set<String> labels() {
            return Set.copyOf(labels);
        }
    }
}
