package io.quarkiverse.messaging.kinesis.emulator;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Waits for a child process (an npm install) up to a timeout, reporting the elapsed time at every interval, so that
 * a first start that installs an emulator shows it is alive instead of going silent for minutes.
 */
final class InstallProgress {

    static final Duration INTERVAL = Duration.ofSeconds(10);

    /** What is waited for: {@link Process#waitFor(long, java.util.concurrent.TimeUnit)} in nanoseconds. */
    @FunctionalInterface
    interface Waitable {
        /** @return whether it ended within the given time */
        boolean waitNanos(long nanos) throws InterruptedException;
    }

    private final LongSupplier nanoClock;
    private final Duration interval;
    private final Duration timeout;
    private final Consumer<Duration> report;

    /**
     * @param nanoClock {@link System#nanoTime()}, or a fake one in tests
     * @param report told the elapsed time at each interval while the process runs
     */
    InstallProgress(LongSupplier nanoClock, Duration interval, Duration timeout, Consumer<Duration> report) {
        this.nanoClock = nanoClock;
        this.interval = interval;
        this.timeout = timeout;
        this.report = report;
    }

    /** @return {@code true} when the process ended within the timeout, {@code false} when the timeout passed first */
    boolean await(Waitable process) throws InterruptedException {
        long start = nanoClock.getAsLong();
        long nextReport = start + interval.toNanos();
        long deadline = start + timeout.toNanos();
        while (true) {
            long now = nanoClock.getAsLong();
            if (now - deadline >= 0) {
                return false;
            }
            if (now - nextReport >= 0) {
                report.accept(Duration.ofNanos(now - start));
                nextReport = now + interval.toNanos();
            }
            if (process.waitNanos(Math.min(deadline, nextReport) - now)) {
                return true;
            }
        }
    }
}
