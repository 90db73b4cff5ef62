package io.smallrye.reactive.messaging.kinesis.incoming;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ReadPacerTest {

    private static final long MS = 1_000_000;

    /** A pacer with these poll intervals, retrying after 100 ms doubled up to 5 s. */
    private static ReadPacer pacer(Duration pollInterval, Duration idlePollInterval) {
        return new ReadPacer(pollInterval, idlePollInterval, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    @Test
    void callsStartAtLeast200MillisecondsApartAndAtOnceWhileBehind() {
        ReadPacer pacer = pacer(Duration.ofSeconds(1), Duration.ofSeconds(1));
        long t = 1_000 * MS;
        assertThat(pacer.delayNanos(t)).isZero();
        pacer.callStarted(t);
        pacer.pageReceived(t + 30 * MS, true, false);
        assertThat(pacer.delayNanos(t + 30 * MS)).isEqualTo(170 * MS);
        assertThat(pacer.delayNanos(t + 250 * MS)).isZero();
    }

    @Test
    void aCaughtUpReaderWaitsThePollIntervalCountedFromTheStartOfTheCallThatBroughtThePage() {
        ReadPacer pacer = pacer(Duration.ofSeconds(1), Duration.ofSeconds(1));
        long t = 1_000 * MS;
        pacer.callStarted(t);
        pacer.pageReceived(t + 30 * MS, false, false);
        // the 30 ms round trip is part of the poll interval, not added to it: the next call starts at t + 1 s
        assertThat(pacer.delayNanos(t + 30 * MS)).isEqualTo(970 * MS);
        assertThat(pacer.delayNanos(t + 1_000 * MS)).isZero();
        // a poll interval below the service limit still keeps the calls 200 ms apart
        ReadPacer eager = pacer(Duration.ofMillis(50), Duration.ofMillis(50));
        eager.callStarted(t);
        eager.pageReceived(t + 10 * MS, false, false);
        assertThat(eager.delayNanos(t + 10 * MS)).isEqualTo(190 * MS);
    }

    @Test
    void aCaughtUpReaderIsReadEveryPollIntervalWhateverTheRoundTrip() {
        ReadPacer pacer = pacer(Duration.ofMillis(200), Duration.ofSeconds(1));
        long t = 1_000 * MS;
        long[] callStarts = new long[4];
        long[] roundTrips = { 20 * MS, 90 * MS, 5 * MS, 150 * MS };
        long now = t;
        for (int i = 0; i < callStarts.length; i++) {
            now += pacer.delayNanos(now);
            callStarts[i] = now;
            pacer.callStarted(now);
            now += roundTrips[i];
            pacer.pageReceived(now, false, false);
        }
        assertThat(callStarts).containsExactly(t, t + 200 * MS, t + 400 * MS, t + 600 * MS);
    }

    @Test
    void anAnswerSlowerThanThePollIntervalIsFollowedByTheNextCallAtOnce() {
        ReadPacer pacer = pacer(Duration.ofMillis(200), Duration.ofSeconds(1));
        long t = 1_000 * MS;
        pacer.callStarted(t);
        pacer.pageReceived(t + 250 * MS, false, false);
        assertThat(pacer.delayNanos(t + 250 * MS)).isZero();
    }

    @Test
    void theLongerWaitsAfterEmptyPagesAlsoCountFromTheCallStart() {
        ReadPacer pacer = pacer(Duration.ofMillis(200), Duration.ofSeconds(1));
        long t = 1_000 * MS;
        pacer.callStarted(t);
        pacer.pageReceived(t + 100 * MS, false, true);
        assertThat(pacer.delayNanos(t + 100 * MS)).isEqualTo(100 * MS);
        pacer.callStarted(t + 200 * MS);
        pacer.pageReceived(t + 300 * MS, false, true);
        // second empty page in a row: 400 ms from the call's start
        assertThat(pacer.delayNanos(t + 300 * MS)).isEqualTo(300 * MS);
    }

    @Test
    void aRetryAfterAFailureWaitsFromTheFailedAnswerNotFromTheCallStart() {
        ReadPacer pacer = pacer(Duration.ofMillis(200), Duration.ofSeconds(1));
        long t = 1_000 * MS;
        pacer.callStarted(t);
        long wait = pacer.failed(t + 150 * MS);
        assertThat(wait).isEqualTo(200 * MS);
        assertThat(pacer.delayNanos(t + 150 * MS)).isEqualTo(200 * MS);
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
        ReadPacer pacer = pacer(Duration.ofMillis(200), Duration.ofSeconds(1));
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
