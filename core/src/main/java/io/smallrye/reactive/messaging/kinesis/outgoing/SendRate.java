package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.function.LongSupplier;

/**
 * The channel's measured send rate (records and bytes acked per second, smoothed) and the bound it puts on what the
 * channel holds: what it can send in {@link #SHUTDOWN_SHARE} of shutdown-timeout at that rate, never less than one
 * full request (max-batch-records / max-batch-bytes), never more than max-buffered-records / max-buffered-bytes. So
 * what the channel holds when shutdown starts can be sent before shutdown-timeout, with the rest of it as a margin.
 * <p>
 * The rate is sampled over windows of at least {@link #WINDOW_NANOS}, only while the channel has something to send
 * (an idle channel keeps its last rate), and smoothed exponentially. Until a first window is measured the bound is
 * what max-in-flight full requests carry, and at least what one shard takes in a second ({@link #SHARD_RECORDS},
 * {@link #SHARD_BYTES}): a burst at start-up fills the pipeline without taking in more than a deploy can flush.
 * A single-threaded state machine: used on the channel's context only (see {@link SendLoop}).
 */
final class SendRate {

    /** The part of shutdown-timeout that what the channel holds must be sendable in. */
    static final double SHUTDOWN_SHARE = 0.5;
    static final long WINDOW_NANOS = 250_000_000L;
    /** Weight of the newest window in the smoothed rate. */
    static final double SMOOTHING = 0.3;
    /** What one shard takes per second (Kinesis write limits): the least the bound assumes before a measure. */
    static final int SHARD_RECORDS = 1000;
    static final long SHARD_BYTES = 1024 * 1024;

    private final LongSupplier clock;
    private final double shutdownSeconds;
    private final int minRecords;
    private final long minBytes;
    private final int maxRecords;
    private final long maxBytes;

    private long windowStart;
    private long windowRecords;
    private long windowBytes;
    private boolean windowBusy;
    private boolean measured;
    private double recordsPerSecond;
    private double bytesPerSecond;
    /** Smoothed PutRecords latency, 0 before the first answer. */
    private double latencyNanos;

    SendRate(OutgoingSettings settings, LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.shutdownSeconds = settings.shutdownTimeout().toNanos() / 1e9;
        this.maxRecords = settings.maxBufferedRecords();
        this.maxBytes = settings.maxBufferedBytes();
        this.minRecords = Math.min(maxRecords, settings.maxBatchRecords());
        this.minBytes = Math.min(maxBytes, Math.max(settings.maxBatchBytes(), settings.maxRecordBytes()));
        this.windowStart = nanoClock.getAsLong();
        // before a measure: max-in-flight full requests, at least one shard-second
        this.recordsPerSecond = Math.max(SHARD_RECORDS, (double) settings.maxInFlight() * settings.maxBatchRecords())
                / shutdownSeconds / SHUTDOWN_SHARE;
        this.bytesPerSecond = Math.max(SHARD_BYTES, (double) settings.maxInFlight() * settings.maxBatchBytes())
                / shutdownSeconds / SHUTDOWN_SHARE;
    }

    /**
     * An answer came back.
     *
     * @param records records acked by it
     * @param bytes their bytes
     * @param stillHeld records the channel still holds (waiting or in flight) after it
     */
    void answered(long records, long bytes, int stillHeld) {
        windowRecords += records;
        windowBytes += bytes;
        windowBusy |= stillHeld > 0 || records > 0;
        long now = clock.getAsLong();
        long elapsed = now - windowStart;
        if (elapsed < WINDOW_NANOS) {
            return;
        }
        if (windowBusy) {
            double seconds = elapsed / 1e9;
            double newRecords = windowRecords / seconds;
            double newBytes = windowBytes / seconds;
            recordsPerSecond = measured ? SMOOTHING * newRecords + (1 - SMOOTHING) * recordsPerSecond : newRecords;
            bytesPerSecond = measured ? SMOOTHING * newBytes + (1 - SMOOTHING) * bytesPerSecond : newBytes;
            measured = true;
        }
        windowStart = now;
        windowRecords = 0;
        windowBytes = 0;
        windowBusy = stillHeld > 0;
    }

    /** The channel goes idle (nothing held): the time until its next record does not count as a slow window. */
    void idle() {
        if (!windowBusy) {
            windowStart = clock.getAsLong();
        }
    }

    /** The most records the channel should hold now. */
    int recordBound() {
        return (int) Math.max(minRecords, Math.min(maxRecords, recordsPerSecond * shutdownSeconds * SHUTDOWN_SHARE));
    }

    /** The most bytes the channel should hold now. */
    long byteBound() {
        return (long) Math.max(minBytes, Math.min(maxBytes, bytesPerSecond * shutdownSeconds * SHUTDOWN_SHARE));
    }

    /** A PutRecords request was answered after that long. */
    void latency(long nanos) {
        latencyNanos = latencyNanos == 0 ? nanos : SMOOTHING * nanos + (1 - SMOOTHING) * latencyNanos;
    }

    /**
     * Whether a request started now is expected to be answered before the deadline (0: no deadline): its measured
     * latency, with half of it again as a margin, fits in the time left.
     */
    boolean answerExpectedBefore(long deadlineNanos, long nowNanos) {
        return deadlineNanos == 0 || nowNanos + (long) (latencyNanos * 1.5) - deadlineNanos < 0;
    }

    double recordsPerSecond() {
        return recordsPerSecond;
    }

    /** Records this rate sends in {@code nanos}, at least one full request. */
    long recordsSendableIn(long nanos) {
        return Math.max(minRecords, (long) (recordsPerSecond * Math.max(0, nanos) / 1e9));
    }
}
