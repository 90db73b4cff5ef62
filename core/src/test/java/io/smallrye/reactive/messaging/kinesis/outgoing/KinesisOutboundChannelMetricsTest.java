package io.smallrye.reactive.messaging.kinesis.outgoing;

import static io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.THROUGHPUT_EXCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.Tracked;

/** What an outgoing channel reports to its metrics: requests, batch sizes, records sent, retried, throttled, failed. */
class KinesisOutboundChannelMetricsTest {

    private ChannelHarness harness;

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    private List<Tracked> messages(int count) {
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(harness.message("m" + i));
        }
        return messages;
    }

    @Test
    void sentRetriedThrottledAndFailedRecordsAreCounted() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.entries((data, attempt) -> data.equals("m2") ? THROUGHPUT_EXCEEDED : null);
        harness = ChannelHarness.create(fake, "max-batch-records=4", "buffer-time=1h", "max-retries=2",
                "retry-backoff=10ms", "max-retry-backoff=40ms");

        harness.send(messages(4));
        harness.awaitAllDone();

        RecordingMetrics metrics = harness.metrics;
        // one request of 4, then m2 alone twice; the third refusal of m2 is final
        assertThat(metrics.requests).hasValue(3);
        assertThat(metrics.failedRequests).hasValue(0);
        assertThat(metrics.batchSizes).containsExactly(4, 1, 1);
        assertThat(metrics.sent).hasValue(3);
        assertThat(metrics.sentBytes.get()).isPositive();
        assertThat(metrics.retried).hasValue(2);
        assertThat(metrics.throttled).hasValue(3);
        assertThat(metrics.failed).hasValue(1);
    }
}
