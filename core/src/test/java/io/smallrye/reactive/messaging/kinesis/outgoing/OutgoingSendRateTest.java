package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * The adaptive bound on what an outgoing channel holds: what its measured rate sends in half of shutdown-timeout,
 * within one full request and max-buffered-records / -bytes.
 */
class OutgoingSendRateTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private SendRate rate(String... attributes) {
        Map<String, String> map = new HashMap<>(Map.of("stream", "s", "shutdown-timeout", "10s",
                "max-batch-records", "100", "max-in-flight", "5", "max-buffered-records", "10000"));
        for (String attribute : attributes) {
            int eq = attribute.indexOf('=');
            map.put(attribute.substring(0, eq), attribute.substring(eq + 1));
        }
        return new SendRate(OutgoingSettings.from(ChannelHarness.configuration("c", map)), clock::get);
    }

    /** One window of a second in which {@code records} records of 100 bytes were acked, with records still held. */
    private void second(SendRate rate, long records) {
        clock.addAndGet(1_000_000_000L);
        rate.answered(records, records * 100, 1);
    }

    @Test
    void beforeAnyMeasureTheBoundIsWhatMaxInFlightFullRequestsCarryAndAtLeastAShardSecond() {
        assertThat(rate("max-batch-records=500").recordBound()).isEqualTo(2500);
        assertThat(rate("max-batch-records=500").byteBound()).isEqualTo(5 * 1048576);
        assertThat(rate("max-batch-records=3").recordBound()).isEqualTo(1000);
        assertThat(rate("max-batch-records=3", "max-buffered-records=20").recordBound()).isEqualTo(20);
    }

    @Test
    void theBoundIsWhatTheMeasuredRateSendsInHalfTheShutdownTimeout() {
        SendRate rate = rate();
        second(rate, 400);
        assertThat(rate.recordBound()).isEqualTo(2000);
        assertThat(rate.byteBound()).isEqualTo(1048576); // 200,000 bytes measured: one full request at least
    }

    @Test
    void slowSendsShrinkTheBoundToOneFullRequest() {
        SendRate rate = rate();
        second(rate, 1000);
        assertThat(rate.recordBound()).isEqualTo(5000);
        for (int i = 0; i < 20; i++) {
            second(rate, 0);
        }
        assertThat(rate.recordBound()).isEqualTo(100);
    }

    @Test
    void fastSendsGrowTheBoundUpToMaxBufferedRecords() {
        SendRate rate = rate();
        second(rate, 100);
        assertThat(rate.recordBound()).isEqualTo(500);
        second(rate, 100);
        assertThat(rate.recordBound()).isEqualTo(500);
        for (int i = 0; i < 20; i++) {
            second(rate, 50_000);
        }
        assertThat(rate.recordBound()).isEqualTo(10000);
    }

    @Test
    void anIdleChannelKeepsItsRate() {
        SendRate rate = rate();
        clock.addAndGet(1_000_000_000L);
        rate.answered(400, 40_000, 0); // the last answer leaves nothing held
        clock.addAndGet(60_000_000_000L); // a minute with nothing to send, then a record arrives
        rate.idle();
        second(rate, 400);
        assertThat(rate.recordBound()).isEqualTo(2000);
    }

    @Test
    void smoothingWeighsTheNewestWindowAtThirtyPercent() {
        SendRate rate = rate();
        second(rate, 1000);
        second(rate, 0);
        assertThat(rate.recordsPerSecond()).isEqualTo(700.0);
        assertThat(rate.recordsSendableIn(2_000_000_000L)).isEqualTo(1400);
    }
}
