package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.test.AwsLoopback;
import io.smallrye.reactive.messaging.kinesis.test.AwsLoopback.Answer;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * One retry layer on the reading side: the connector's client does not retry, so every GetRecords attempt, retries
 * included, is paced by the shard's reader, which keeps to Kinesis's 5 calls per second per shard, and goes on while
 * Kinesis throttles.
 */
class IncomingRetryLayerTest extends WeldTestBase {

    private static final String SHARD = "shardId-000000000000";

    private AwsLoopback kinesis;

    @AfterEach
    void stopKinesis() {
        if (kinesis != null) {
            kinesis.close();
        }
    }

    @Test
    void aShardWhoseGetRecordsIsAlwaysThrottledIsReadAtMostFiveTimesPerSecondAndTheChannelGoesOn() throws Exception {
        kinesis = AwsLoopback.start(IncomingRetryLayerTest::oneShardThrottlingGetRecords);
        String prefix = "mp.messaging.incoming.orders-in.";
        runApplication(new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "stream", "orders")
                .with(prefix + "region", "us-east-1")
                .with(prefix + "endpoint-override", kinesis.endpoint().toString())
                .with(prefix + "credentials-type", "static")
                .with(prefix + "credentials-access-key-id", "AKIALOOPBACK")
                .with(prefix + "credentials-secret-access-key", "loopback-secret")
                .with(prefix + "starting-position", "trim_horizon")
                // back-offs shorter than the 200 ms call spacing: only the reader's pacing keeps the rate
                .with(prefix + "retry-backoff", "10ms")
                .with(prefix + "max-retry-backoff", "50ms"), Collector.class);

        long start = System.nanoTime();
        Thread.sleep(2_500);
        int afterTwoAndAHalfSeconds = kinesis.requests("GetRecords");
        Thread.sleep(3_000);
        List<Long> times = kinesis.requestTimes("GetRecords").stream().filter(t -> t - start >= 0).toList();

        int busiest = 0;
        for (int i = 0; i < times.size(); i++) {
            long windowEnd = times.get(i) + TimeUnit.SECONDS.toNanos(1);
            int inWindow = 0;
            for (int j = i; j < times.size() && times.get(j) - windowEnd < 0; j++) {
                inWindow++;
            }
            busiest = Math.max(busiest, inWindow);
        }
        long lastAgoMs = (System.nanoTime() - times.get(times.size() - 1)) / 1_000_000;
        System.out.printf("attempts: throttled GetRecords of one shard over 5.5 s: %d requests, at most %d in any "
                + "1-second window, last one %d ms ago%n", times.size(), busiest, lastAgoMs);
        assertThat(busiest).isLessThanOrEqualTo(5);
        // the reader keeps trying (about every 200 ms) instead of giving up
        assertThat(kinesis.requests("GetRecords")).isGreaterThan(afterTwoAndAHalfSeconds);
        assertThat(get(HealthCenter.class).getLiveness().isOk()).isTrue();
    }

    /** One ACTIVE stream of one open shard, whose GetRecords calls are all throttled. */
    private static Answer oneShardThrottlingGetRecords(String operation) {
        return switch (operation) {
            case "DescribeStreamSummary" -> Answer.ok(Map.of("StreamDescriptionSummary", Map.of(
                    "StreamName", "orders", "StreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/orders",
                    "StreamStatus", "ACTIVE", "OpenShardCount", 1, "RetentionPeriodHours", 24)));
            case "ListShards" -> Answer.ok(Map.of("Shards", List.of(Map.of("ShardId", SHARD,
                    "HashKeyRange", Map.of("StartingHashKey", "0",
                            "EndingHashKey", "340282366920938463463374607431768211455"),
                    "SequenceNumberRange", Map.of("StartingSequenceNumber",
                            "49590338271490256608559692538361571095921575989136588898")))));
            case "GetShardIterator" -> Answer.ok(Map.of("ShardIterator", "iterator-of-" + SHARD));
            case "GetRecords" -> Answer.throttled();
            default -> Answer.error(400, "InvalidArgumentException", operation + " is not scripted (AwsLoopback)");
        };
    }

    @ApplicationScoped
    public static class Collector {
        @Incoming("orders-in")
        void consume(byte[] payload) {
        }
    }
}
