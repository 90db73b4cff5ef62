package io.quarkiverse.messaging.kinesis.benchmark.app;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;

/**
 * The user's producer: {@code Emitter<byte[]>} to the channel {@code out}, 100-byte records, the partition key
 * {@code k<i mod bench.keys>} in {@link OutgoingKinesisMetadata} ({@code bench.keys=0}: no key, the connector draws one).
 * As fast as the Emitter accepts ({@code bench.rate=0}, at most {@code bench.max-outstanding} records unacked, as a
 * careful user bounds it: at the bound, the sender waits until half of them are settled, so it is woken once per half
 * window, not once per ack, like the KPL reference that checks its bound every 64 records) or at {@code bench.rate}
 * records/s. Each record's send-to-ack time is recorded when it is
 * measured (sent after {@code bench.warmup-seconds}).
 */
@ApplicationScoped
public class Producer {

    /** What one run did; printed as name=value words. */
    public record Result(long sent, long acked, long nacked, double seconds, int measuredAcked, String latency,
            long emitterFull, String firstFailure) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "sent=%d acked=%d nacked=%d seconds=%.3f measured_acked=%d %s emitter_full=%d"
                    + " failure=%s", sent, acked, nacked, seconds, measuredAcked, latency, emitterFull,
                    firstFailure == null ? "none" : firstFailure.replace(' ', '_'));
        }
    }

    @Inject
    @Channel("out")
    Emitter<byte[]> emitter;

    @ConfigProperty(name = "bench.records", defaultValue = "300000")
    int records;

    @ConfigProperty(name = "bench.keys", defaultValue = "1000")
    int keys;

    @ConfigProperty(name = "bench.rate", defaultValue = "0")
    int rate;

    @ConfigProperty(name = "bench.warmup-seconds", defaultValue = "0")
    int warmUpSeconds;

    @ConfigProperty(name = "bench.max-seconds", defaultValue = "0")
    int maxSeconds;

    @ConfigProperty(name = "bench.max-outstanding", defaultValue = "10000")
    int maxOutstanding;

    private final LongAdder acked = new LongAdder();
    private final LongAdder nacked = new LongAdder();
    private final LongAdder emitterFull = new LongAdder();
    /** Acked or nacked: the records outstanding are {@code sent - settled}. */
    private final AtomicLong settled = new AtomicLong();
    private volatile Thread waitingSender;
    private volatile String firstFailure;
    private volatile long sent;
    private volatile boolean sigterm;
    private Percentiles sendToAck;

    /**
     * Sends, waits for every ack or nack, and reports.
     *
     * @param afterLastAck run when the last record is acked or nacked, before the figures are computed (sorting the
     *        send-to-ack times is the benchmark's work, not the producer's)
     */
    public Result run(Runnable beforeFirstSend, Runnable afterLastAck) {
        beforeFirstSend.run();
        long start = System.nanoTime();
        send(start);
        while (acked.sum() + nacked.sum() < sent) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        afterLastAck.run();
        return result(seconds);
    }

    /** Sends without waiting for the acks. */
    public Result sendOnly() {
        long start = System.nanoTime();
        send(start);
        return result((System.nanoTime() - start) / 1e9);
    }

    /** After SIGTERM, prints {@code BENCH SETTLED ...} when the last sent record is acked or nacked. */
    public void reportSettledAfterSigterm() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> sigterm = true, "bench-sigterm"));
    }

    private void send(long start) {
        sendToAck = new Percentiles(rate > 0 ? rate * (warmUpSeconds + Math.max(maxSeconds, 1) + 1) : records);
        long periodNanos = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
        long measuredFrom = start + TimeUnit.SECONDS.toNanos(warmUpSeconds);
        long deadline = maxSeconds > 0 ? start + TimeUnit.SECONDS.toNanos(warmUpSeconds + maxSeconds) : Long.MAX_VALUE;
        for (int i = 0; i < records || rate > 0; i++) {
            long due = start + i * periodNanos;
            long now = System.nanoTime();
            if (now - deadline >= 0 || (rate > 0 && due - deadline >= 0)) {
                break;
            }
            if (rate > 0 && due - now > 0) {
                LockSupport.parkNanos(due - now);
            }
            if (i - settled.get() >= maxOutstanding) {
                awaitHalfSettled(i);
            }
            // at a rate, by the schedule: a sender that falls behind catches up without adding measured records
            boolean measured = (rate > 0 ? due : System.nanoTime()) - measuredFrom >= 0;
            byte[] data = Payload.create(Payload.nowMicros(), measured);
            Metadata metadata = keys > 0
                    ? Metadata.of(OutgoingKinesisMetadata.builder().partitionKey("k" + (i % keys)).build())
                    : Metadata.empty();
            long sentNanos = System.nanoTime();
            Message<byte[]> message = Message.of(data, metadata, () -> {
                if (measured) {
                    sendToAck.add((System.nanoTime() - sentNanos) / 1000);
                }
                settled(acked);
                return CompletableFuture.completedFuture(null);
            }, failure -> {
                if (firstFailure == null) {
                    firstFailure = String.valueOf(failure);
                }
                settled(nacked);
                return CompletableFuture.completedFuture(null);
            });
            while (true) {
                try {
                    emitter.send(message);
                    break;
                } catch (IllegalStateException bufferFull) {
                    // the Emitter's own buffer (128 by default) is full: the channel has not asked for more yet
                    emitterFull.increment();
                    LockSupport.parkNanos(1_000_000);
                }
            }
            sent = i + 1L;
        }
    }

    /** Waits until at most half of {@code bench.max-outstanding} of the {@code sent} records are unsettled. */
    private void awaitHalfSettled(long sent) {
        long lowWater = sent - maxOutstanding / 2;
        waitingSender = Thread.currentThread();
        while (settled.get() < lowWater) {
            LockSupport.park(this);
        }
        waitingSender = null;
    }

    private void settled(LongAdder counter) {
        counter.increment();
        long settledNow = settled.incrementAndGet();
        Thread waiting = waitingSender;
        if (waiting != null && settledNow == sent - maxOutstanding / 2) {
            LockSupport.unpark(waiting);
        }
        if (sigterm && acked.sum() + nacked.sum() == sent) {
            Out.line("SETTLED acked=" + acked.sum() + " nacked=" + nacked.sum());
        }
    }

    private Result result(double seconds) {
        return new Result(sent, acked.sum(), nacked.sum(), seconds,
                sendToAck.count(), sendToAck.summary("ack_"), emitterFull.sum(), firstFailure);
    }
}
