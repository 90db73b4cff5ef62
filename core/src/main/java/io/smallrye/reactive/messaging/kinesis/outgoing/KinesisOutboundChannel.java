package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadCodecs;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadEncoder;
import io.vertx.core.Context;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The subscriber behind an outgoing channel: validates each message, hands it to the {@link RecordBatcher}, and asks
 * upstream for more only while the channel holds less than max-buffered-records and max-buffered-bytes, so a fast
 * Emitter meets backpressure instead of filling the heap.
 */
public class KinesisOutboundChannel implements Flow.Subscriber<Message<?>> {

    private final OutgoingSettings settings;
    private final OutgoingRecordFactory records;
    private final RecordBatcher batcher;
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    /** Messages received from upstream, to see whether it still delivers while shutting down. */
    private final AtomicLong arrivals = new AtomicLong();
    private final Object demandLock = new Object();
    private volatile boolean closed;
    private volatile CompletableFuture<Void> flushed;
    private volatile long shutdownDeadlineNanos;
    private volatile Throwable upstreamFailure;
    private volatile boolean upstreamDone;
    private volatile long shutdownStartNanos;
    private volatile long[] totalsAtShutdown;
    /** While shutting down: how long upstream must deliver nothing before the channel counts it as drained. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    public KinesisOutboundChannel(OutgoingSettings settings, KinesisAsyncClient client,
            ScheduledExecutorService scheduler) {
        this(settings, client, scheduler, KinesisMetrics.NONE);
    }

    public KinesisOutboundChannel(OutgoingSettings settings, KinesisAsyncClient client,
            ScheduledExecutorService scheduler, KinesisMetrics metrics) {
        this(settings, client, scheduler, metrics, new PayloadCodecs(null).objectEncoder(settings.channel(), null));
    }

    /**
     * @param objectEncoder how payloads other than bytes, text and Vert.x JSON are written; null to reject them
     */
    public KinesisOutboundChannel(OutgoingSettings settings, KinesisAsyncClient client,
            ScheduledExecutorService scheduler, KinesisMetrics metrics, PayloadEncoder objectEncoder) {
        this.settings = settings;
        this.records = new OutgoingRecordFactory(settings, objectEncoder);
        this.batcher = new RecordBatcher(settings, client, regionOf(client), scheduler, this::requestMore, metrics);
        KinesisLogging.log.outgoingChannelReady(settings.channel(), settings.stream(), settings.bufferTime().toMillis(),
                settings.maxBatchRecords(), settings.maxBatchBytes(), settings.maxInFlight(),
                settings.ordering().attributeValue());
    }

    private static String regionOf(KinesisAsyncClient client) {
        try {
            return String.valueOf(client.serviceClientConfiguration().region());
        } catch (RuntimeException e) {
            return "(unknown region)";
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (subscription.compareAndSet(null, s)) {
            requestMore();
        } else {
            s.cancel();
        }
    }

    @Override
    public void onNext(Message<?> message) {
        requested.decrementAndGet();
        arrivals.incrementAndGet();
        if (closed) {
            MessageCompletion.nack(message, KinesisExceptions.ex.channelClosed(settings.channel(),
                    records.streamOf(message)));
            return;
        }
        PendingRecord record;
        try {
            record = records.create(message, sequence.getAndIncrement(), System.nanoTime());
        } catch (IllegalArgumentException rejected) {
            KinesisLogging.log.messageRejected(settings.channel(), rejected.getMessage());
            MessageCompletion.nack(message, rejected);
            requestMore();
            return;
        }
        batcher.add(record);
        requestMore();
    }

    @Override
    public void onError(Throwable failure) {
        KinesisLogging.log.upstreamFailure(settings.channel(), failure);
        upstreamFailure = failure;
        upstreamDone = true;
        batcher.flush();
    }

    @Override
    public void onComplete() {
        upstreamDone = true;
        batcher.flush();
    }

    /**
     * Tops the upstream demand up to what the channel may hold: the adaptive bound of {@link SendRate} (what the
     * measured send rate sends in half of shutdown-timeout) within max-buffered-records, and max-buffered-bytes
     * counting every requested message at max-record-bytes, so held bytes never exceed it whatever sizes arrive.
     * While shutting down: what the rate sends in the time left. Requests go out in chunks (when at least half the
     * allowed demand is missing), not one per message.
     */
    private void requestMore() {
        Flow.Subscription s = subscription.get();
        if (s == null || closed) {
            return;
        }
        synchronized (demandLock) {
            long heldBytes = batcher.heldBytes();
            long byteRoom = heldBytes >= batcher.byteBound() ? 0
                    : (settings.maxBufferedBytes() - heldBytes) / settings.maxRecordBytes();
            long target = Math.min(recordLimit() - batcher.heldRecords(), byteRoom);
            long missing = target - requested.get();
            if (missing > 0 && missing >= Math.max(1, target / 2)) {
                requested.addAndGet(missing);
                s.request(missing);
            }
        }
    }

    /**
     * The most records the channel may hold now: its adaptive bound, or while shutting down what the measured rate
     * sends in three quarters of the time left (the rest is the margin for a slower end), within
     * max-buffered-records.
     */
    private long recordLimit() {
        if (shutdownDeadlineNanos == 0) {
            return batcher.recordBound();
        }
        long left = (shutdownDeadlineNanos - System.nanoTime()) / 4 * 3;
        return left <= 0 ? 0 : Math.min(settings.maxBufferedRecords(), batcher.recordsSendableIn(left));
    }

    /** The bound on held records now (for tests and health details). */
    long heldRecordLimit() {
        return recordLimit();
    }

    /**
     * Sends what is buffered and waits (at most shutdown-timeout) for every message to be acked or nacked; what is
     * left then is nacked. Called at shutdown, before the client is closed.
     */
    public void close() {
        beginShutdown();
        finishShutdown();
    }

    /**
     * Starts sending everything held at once, and from now on every message upstream delivers, as long as the
     * measured rate can send it before the deadline; {@link #finishShutdown()} waits for it.
     */
    public void beginShutdown() {
        if (flushed == null) {
            shutdownStartNanos = System.nanoTime();
            totalsAtShutdown = batcher.answeredTotals();
            int held = batcher.heldRecords();
            if (held > 0) {
                KinesisLogging.log.drainingOnShutdown(settings.channel(), held - batcher.inFlightRecords(),
                        batcher.inFlightRecords(), settings.shutdownTimeout().toMillis());
            }
            shutdownDeadlineNanos = shutdownStartNanos + settings.shutdownTimeout().toNanos();
            flushed = batcher.flush(shutdownDeadlineNanos);
            requestMore();
        }
    }

    /**
     * Waits until the channel holds nothing and upstream (the Emitter's buffer) has nothing more to deliver, or
     * shutdown-timeout has passed since {@link #beginShutdown()}; then nacks whatever is left and takes no more
     * messages. Never waits on an event-loop thread.
     */
    public void finishShutdown() {
        if (closed) {
            return;
        }
        beginShutdown();
        if (Context.isOnEventLoopThread()) {
            KinesisLogging.log.closingOnEventLoop(settings.channel());
        } else {
            drainUntilDeadline();
        }
        closed = true;
        long timeoutMs = settings.shutdownTimeout().toMillis();
        int abandoned = batcher.abandon(
                () -> KinesisExceptions.ex.notSentBeforeShutdown(settings.channel(), settings.stream(), timeoutMs),
                () -> KinesisExceptions.ex.unansweredBeforeShutdown(settings.channel(), settings.stream(), timeoutMs));
        if (abandoned > 0) {
            KinesisLogging.log.shutdownTimeoutExpired(settings.channel(), abandoned, timeoutMs);
        }
        long[] totals = batcher.answeredTotals();
        if (totalsAtShutdown != null && totals[0] + totals[1] > totalsAtShutdown[0] + totalsAtShutdown[1]) {
            KinesisLogging.log.shutdownFlushDone(settings.channel(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - shutdownStartNanos),
                    totals[0] - totalsAtShutdown[0], totals[1] - totalsAtShutdown[1] + abandoned);
        }
        // Messages the Emitter still buffers were accepted by send(): take them all now, so each one is nacked as
        // "channel closed" (see onNext) instead of vanishing with a cancelled subscription.
        Flow.Subscription s = subscription.get();
        if (s != null) {
            s.request(Long.MAX_VALUE);
        }
    }

    /**
     * Keeps sending, and asking upstream for what the time left allows, until the channel is empty and a look at
     * upstream with demand outstanding brings nothing new (the Emitter delivers what it buffered as soon as it is
     * asked), or until the deadline.
     */
    private void drainUntilDeadline() {
        long seen = -1;
        while (true) {
            long left = shutdownDeadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                batcher.flush().get(Math.min(left, QUIET_NANOS), TimeUnit.NANOSECONDS);
                requestMore();
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Math.min(QUIET_NANOS, Math.max(0, left))));
            } catch (TimeoutException | ExecutionException e) {
                requestMore();
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = arrivals.get();
            boolean upstreamEmpty = subscription.get() == null || upstreamDone || requested.get() > 0
                    || recordLimit() <= batcher.heldRecords();
            if (now == seen && batcher.heldRecords() == 0 && upstreamEmpty) {
                return;
            }
            seen = now;
        }
    }

    public void reportReadiness(HealthReport.HealthReportBuilder builder) {
        if (settings.healthEnabled()) {
            String problem = batcher.streamProblem();
            builder.add(settings.channel(), problem == null && !closed, problem);
        }
    }

    public void reportLiveness(HealthReport.HealthReportBuilder builder) {
        if (settings.healthEnabled()) {
            Throwable failure = upstreamFailure;
            builder.add(settings.channel(), failure == null, failure == null ? null : String.valueOf(failure));
        }
    }
}
