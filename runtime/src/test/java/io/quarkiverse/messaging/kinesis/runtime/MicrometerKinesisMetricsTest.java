package io.quarkiverse.messaging.kinesis.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The incoming meters: names and tags as the outgoing ones, one millis-behind-latest gauge per shard being read. */
class MicrometerKinesisMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerKinesisMetrics metrics = new MicrometerKinesisMetrics(registry);

    @Test
    void receivedRecordsBytesCallsAndCheckpointsAreCountedPerChannelAndStream() {
        metrics.recordsReceived("in", "orders", 3, 120);
        metrics.recordsReceived("in", "orders", 2, 80);
        metrics.getRecordsAnswered("in", "orders", "shardId-0", false);
        metrics.getRecordsAnswered("in", "orders", "shardId-0", true);
        metrics.checkpointWritten("in", "orders", "shardId-0");

        assertThat(registry.get("kinesis.records.received").tags("channel", "in", "stream", "orders").counter()
                .count()).isEqualTo(5.0);
        assertThat(registry.get("kinesis.bytes.received").tags("channel", "in", "stream", "orders").counter()
                .count()).isEqualTo(200.0);
        assertThat(registry.get("kinesis.getrecords.requests").tags("outcome", "answered").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("kinesis.getrecords.requests").tags("outcome", "failed").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("kinesis.checkpoints.written").counter().count()).isEqualTo(1.0);
    }

    @Test
    void millisBehindLatestIsAGaugePerShardRemovedWhenTheShardIsNoLongerRead() {
        metrics.millisBehindLatest("in", "orders", "shardId-0", 5_000);
        metrics.millisBehindLatest("in", "orders", "shardId-1", 0);
        metrics.millisBehindLatest("in", "orders", "shardId-0", 1_200);

        Gauge shard0 = registry.get("kinesis.millis.behind.latest").tags("shard", "shardId-0").gauge();
        assertThat(shard0.value()).isEqualTo(1_200.0);
        assertThat(registry.get("kinesis.millis.behind.latest").gauges()).hasSize(2);

        metrics.shardReadingStopped("in", "orders", "shardId-0");

        assertThat(registry.find("kinesis.millis.behind.latest").gauges()).singleElement()
                .satisfies(gauge -> assertThat(gauge.getId().getTag("shard")).isEqualTo("shardId-1"));
    }
}
