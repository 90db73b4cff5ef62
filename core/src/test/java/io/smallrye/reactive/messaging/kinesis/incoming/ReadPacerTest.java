package io.smallrye.reactive.messaging.kinesis.incoming;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ReadPacerTest {

    private static final long MS = 1_000_000;

    @Test
    void callsStartAtLeast200MillisecondsApartAndAtOnceWhileBehind() {
        ReadPacer pacer = new ReadPacer(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ofSeconds(5));
        long t = 1_000 * MS;
        assertThat(pacer.delayNanos(t)).isZero();
        pacer.callStarted(t);
        pacer.pageReceived(t + 30 * MS, true, false);
        assertThat(pacer.delayNanos(t + 30 * MS)).isEqualTo(170 * MS);
        assertThat(pacer.delayNanos(t + 250 * MS)).isZero();
    }

    @Test
    void aCaughtUpReaderWaitsThePollInterval() {
        ReadPacer pacer = new ReadPacer(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ofSeconds(5));
        long t = 1_000 * MS;
        pacer.callStarted(t);
        pacer.pageReceived(t + 30 * MS, false, false);
        assertThat(pacer.delayNanos(t + 30 * MS)).isEqualTo(1_000 * MS);
        // a poll interval below the service limit still keeps the calls 200 ms apart
        ReadPacer eager = new ReadPacer(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(100),
                Duration.ofSeconds(5));
        eager.callStarted(t);
        eager.pageReceived(t + 10 * MS, false, false);
        assertThat(eager.delayNanos(t + 10 * MS)).isEqualTo(190 * MS);
    }

    @Test
    void failuresBackOffExponentiallyWithinTheCap() {
        ReadPacer pacer = new ReadPacer(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(100),
                Duration.ofMillis(700));
        long t = 1_000 * MS;
        pacer.callStarted(t);
        long first = pacer.failed(t);
        // the backoff (50-100 ms) is shorter than the call spacing: a retry still waits 200 ms from the failed answer
        assertThat(first).isEqualTo(200 * MS);
        long second = pacer.failed(t);
        assertThat(second).isEqualTo(200 * MS);
        pacer.failed(t);
        long capped = pacer.failed(t);
        assertThat(capped).isBetween(350 * MS, 700 * MS);
        assertThat(pacer.failuresInARow()).isEqualTo(4);
        assertThat(pacer.delayNanos(t)).isEqualTo(capped);
        pacer.pageReceived(t, true, false);
        assertThat(pacer.failuresInARow()).isZero();
    }

    @Test
    void emptyPagesInARowStretchTheWaitUpToTheIdlePollInterval() {
        ReadPacer pacer = new ReadPacer(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ofSeconds(5));
        long t = 1_000 * MS;
        long[] waits = new long[5];
        for (int i = 0; i < waits.length; i++) {
            pacer.callStarted(t);
            pacer.pageReceived(t, false, true);
            waits[i] = pacer.delayNanos(t) / MS;
        }
        assertThat(waits).containsExactly(200, 400, 800, 1000, 1000);
        // records again: back to the poll interval at once
        pacer.pageReceived(t, false, false);
        assertThat(pacer.delayNanos(t)).isEqualTo(200 * MS);
        // a page that says the reader is behind is read again at once, empty or not
        pacer.pageReceived(t, true, true);
        pacer.pageReceived(t, true, true);
        assertThat(pacer.delayNanos(t + 200 * MS)).isZero();
    }
}
