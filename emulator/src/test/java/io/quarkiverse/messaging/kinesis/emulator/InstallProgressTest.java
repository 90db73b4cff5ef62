package io.quarkiverse.messaging.kinesis.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The progress of an npm install, with a fake clock and a fake process that ends at a given time. */
class InstallProgressTest {

    /** A process that ends when the fake clock reaches {@code endsAt}; waiting for it moves the clock. */
    static class FakeProcess implements InstallProgress.Waitable {
        long now;
        final long endsAt;
        final List<Long> waits = new ArrayList<>();

        FakeProcess(Duration endsAt) {
            this.endsAt = endsAt.toNanos();
        }

        @Override
        public boolean waitNanos(long nanos) {
            waits.add(nanos);
            if (now + nanos >= endsAt) {
                now = Math.max(now, endsAt);
                return true;
            }
            now += nanos;
            return false;
        }
    }

    private final List<Duration> reports = new ArrayList<>();

    private InstallProgress progress(FakeProcess process, Duration timeout) {
        return new InstallProgress(() -> process.now, Duration.ofSeconds(10), timeout, reports::add);
    }

    @Test
    void aQuickInstallReportsNothing() throws InterruptedException {
        FakeProcess npm = new FakeProcess(Duration.ofSeconds(4));
        assertThat(progress(npm, Duration.ofMinutes(5)).await(npm)).isTrue();
        assertThat(reports).isEmpty();
    }

    @Test
    void aLongInstallReportsTheElapsedTimeAtEveryInterval() throws InterruptedException {
        FakeProcess npm = new FakeProcess(Duration.ofSeconds(35));
        assertThat(progress(npm, Duration.ofMinutes(5)).await(npm)).isTrue();
        assertThat(reports).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30));
        assertThat(npm.now).isEqualTo(Duration.ofSeconds(35).toNanos());
    }

    @Test
    void anInstallPastTheTimeoutIsGivenUpAtTheTimeout() throws InterruptedException {
        FakeProcess npm = new FakeProcess(Duration.ofMinutes(10));
        assertThat(progress(npm, Duration.ofSeconds(25)).await(npm)).isFalse();
        assertThat(reports).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20));
        assertThat(npm.now).as("waited exactly up to the timeout").isEqualTo(Duration.ofSeconds(25).toNanos());
    }

    @Test
    void aClockThatJumpedReportsOnceNotOncePerMissedInterval() throws InterruptedException {
        FakeProcess npm = new FakeProcess(Duration.ofSeconds(60)) {
            @Override
            public boolean waitNanos(long nanos) {
                if (now == 0) {
                    now = Duration.ofSeconds(45).toNanos(); // the machine slept
                    return false;
                }
                return super.waitNanos(nanos);
            }
        };
        assertThat(progress(npm, Duration.ofMinutes(5)).await(npm)).isTrue();
        assertThat(reports).containsExactly(Duration.ofSeconds(45), Duration.ofSeconds(55));
    }
}
