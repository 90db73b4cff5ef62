package io.quarkiverse.messaging.kinesis.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The meters: names, types, base units and tags, the consumer lag per shard and its maximum per channel. */
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

        assertThat(registry.get("kinesis.consumer.records").tags("channel", "in", "stream", "orders").counter()
                .count()).isEqualTo(5.0);
        assertThat(registry.get("kinesis.consumer.data.received").tags("channel", "in", "stream", "orders").counter()
                .count()).isEqualTo(200.0);
        assertThat(registry.get("kinesis.consumer.requests").tags("outcome", "answered").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("kinesis.consumer.requests").tags("outcome", "failed").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("kinesis.consumer.checkpoints").counter().count()).isEqualTo(1.0);
    }

    @Test
    void fanOutEventsAndSubscriptionsAreCountedPerChannelAndStreamWithTheOutcome() {
        metrics.subscribeToShardEvent("in", "orders", "shardId-0");
        metrics.subscribeToShardEvent("in", "orders", "shardId-1");
        metrics.subscribeToShardEvent("in", "orders", "shardId-1");
        metrics.subscriptionAnswered("in", "orders", "shardId-0", "opened");
        metrics.subscriptionAnswered("in", "orders", "shardId-0", "renewed");
        metrics.subscriptionAnswered("in", "orders", "shardId-1", "renewed");
        metrics.subscriptionAnswered("in", "orders", "shardId-1", "failed");

        assertThat(registry.get("kinesis.consumer.events").tags("channel", "in", "stream", "orders").counter().count())
                .isEqualTo(3.0);
        assertThat(registry.get("kinesis.consumer.subscriptions").tags("outcome", "opened").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("kinesis.consumer.subscriptions").tags("outcome", "renewed").counter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("kinesis.consumer.subscriptions").tags("outcome", "failed").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.find("kinesis.consumer.requests").counters()).as("no GetRecords calls").isEmpty();
    }

    @Test
    void sentRetriedAndFailedRecordsAreOneCounterTaggedWithTheOutcome() {
        metrics.recordsSent("out", "orders", 7, 700);
        metrics.recordsRetried("out", "orders", 2, 2);
        metrics.recordsRetried("out", "orders", 0, 1);
        metrics.recordsFailed("out", "orders", 1);
        metrics.putRecordsAnswered("out", "orders", 10, 3_000_000, false);
        metrics.putRecordsAnswered("out", "orders", 4, 1_000_000, true);

        assertThat(registry.get("kinesis.producer.records").tags("outcome", "sent").counter().count()).isEqualTo(7.0);
        assertThat(registry.get("kinesis.producer.records").tags("outcome", "retried").counter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("kinesis.producer.records").tags("outcome", "failed").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("kinesis.producer.throttled").counter().count()).isEqualTo(3.0);
        assertThat(registry.get("kinesis.producer.data.sent").counter().count()).isEqualTo(700.0);
        assertThat(registry.get("kinesis.producer.requests").tags("outcome", "answered").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3.0);
        assertThat(registry.get("kinesis.producer.requests").tags("outcome", "failed").timer().count()).isEqualTo(1);
        assertThat(registry.get("kinesis.producer.batch.size").summary().totalAmount()).isEqualTo(14.0);
    }

    @Test
    void bytesAndRecordsCountersCarryTheirBaseUnitAndEveryMeterADescription() {
        metrics.recordsSent("out", "orders", 1, 10);
        metrics.recordsRetried("out", "orders", 1, 1);
        metrics.recordsFailed("out", "orders", 1);
        metrics.putRecordsAnswered("out", "orders", 1, 1_000, false);
        metrics.recordsReceived("in", "orders", 1, 10);
        metrics.getRecordsAnswered("in", "orders", "shardId-0", false);
        metrics.millisBehindLatest("in", "orders", "shardId-0", 10);
        metrics.checkpointWritten("in", "orders", "shardId-0");

        assertThat(registry.get("kinesis.producer.data.sent").counter().getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(registry.get("kinesis.consumer.data.received").counter().getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(registry.get("kinesis.producer.records").counters())
                .allSatisfy(counter -> assertThat(counter.getId().getBaseUnit()).isEqualTo("records"));
        assertThat(registry.get("kinesis.producer.throttled").counter().getId().getBaseUnit()).isEqualTo("records");
        assertThat(registry.get("kinesis.consumer.records").counter().getId().getBaseUnit()).isEqualTo("records");
        assertThat(registry.get("kinesis.producer.batch.size").summary().getId().getBaseUnit()).isEqualTo("records");
        assertThat(registry.getMeters()).extracting(meter -> meter.getId().getName()).containsExactlyInAnyOrder(
                "kinesis.producer.records", "kinesis.producer.records", "kinesis.producer.records",
                "kinesis.producer.throttled", "kinesis.producer.data.sent", "kinesis.producer.requests",
                "kinesis.producer.batch.size", "kinesis.consumer.records", "kinesis.consumer.data.received",
                "kinesis.consumer.requests", "kinesis.consumer.lag", "kinesis.consumer.lag.max",
                "kinesis.consumer.checkpoints");
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getName()).as("name of %s", meter.getId()).matches("[a-z]+(\\.[a-z]+)+");
            assertThat(meter.getId().getDescription()).as("description of %s", meter.getId()).isNotBlank();
            assertThat(meter.getId().getTag("channel")).as("channel tag of %s", meter.getId()).isNotNull();
            assertThat(meter.getId().getTag("stream")).as("stream tag of %s", meter.getId()).isEqualTo("orders");
        }
    }

    @Test
    void theLagOfAShardIsATimeGaugeInSecondsFedWithMilliseconds() {
        metrics.millisBehindLatest("in", "orders", "shardId-0", 5_000);
        metrics.millisBehindLatest("in", "orders", "shardId-0", 1_250);

        TimeGauge shard0 = registry.get("kinesis.consumer.lag").tags("shard", "shardId-0").timeGauge();
        assertThat(shard0.getId().getBaseUnit()).isEqualTo("seconds");
        assertThat(shard0.value()).isEqualTo(1.25);
        assertThat(shard0.value(TimeUnit.MILLISECONDS)).isEqualTo(1_250.0);
    }

    @Test
    void theChannelsMaximumLagFollowsItsHighestShardAndDropsWhenThatShardCatchesUpOrIsNoLongerRead() {
        metrics.millisBehindLatest("in", "orders", "shardId-0", 5_000);
        metrics.millisBehindLatest("in", "orders", "shardId-1", 2_000);
        metrics.millisBehindLatest("other", "orders", "shardId-0", 60_000);
        TimeGauge max = registry.get("kinesis.consumer.lag.max").tags("channel", "in", "stream", "orders").timeGauge();
        assertThat(max.getId().getBaseUnit()).isEqualTo("seconds");
        assertThat(max.getId().getTag("shard")).isNull();
        assertThat(max.value()).isEqualTo(5.0);

        metrics.millisBehindLatest("in", "orders", "shardId-0", 500);
        assertThat(max.value()).as("shard 0 caught up: shard 1 is the highest").isEqualTo(2.0);

        metrics.millisBehindLatest("in", "orders", "shardId-0", 9_000);
        metrics.shardReadingStopped("in", "orders", "shardId-0");
        assertThat(max.value()).as("shard 0 no longer read").isEqualTo(2.0);
        assertThat(registry.find("kinesis.consumer.lag").tags("channel", "in").timeGauges()).singleElement()
                .satisfies(gauge -> assertThat(gauge.getId().getTag("shard")).isEqualTo("shardId-1"));

        metrics.shardReadingStopped("in", "orders", "shardId-1");
        assertThat(max.value()).as("no shard read").isEqualTo(0.0);
        assertThat(registry.get("kinesis.consumer.lag.max").tags("channel", "other").timeGauge().value())
                .isEqualTo(60.0);
    }

    @Test
    void aMeterFilterDenyingThePerShardLagKeepsTheMaximum() {
        SimpleMeterRegistry filtered = new SimpleMeterRegistry();
        filtered.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("kinesis.consumer.lag")));
        MicrometerKinesisMetrics withoutShards = new MicrometerKinesisMetrics(filtered);

        withoutShards.millisBehindLatest("in", "orders", "shardId-0", 3_000);
        withoutShards.millisBehindLatest("in", "orders", "shardId-1", 7_000);

        assertThat(filtered.find("kinesis.consumer.lag").meters()).isEmpty();
        assertThat(filtered.get("kinesis.consumer.lag.max").timeGauge().value()).isEqualTo(7.0);
        withoutShards.shardReadingStopped("in", "orders", "shardId-1");
        assertThat(filtered.get("kinesis.consumer.lag.max").timeGauge().value()).isEqualTo(3.0);
    }
}
