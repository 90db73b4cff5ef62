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
    private final Object demandLock = new Object();
    private volatile boolean closed;
    private volatile CompletableFuture<Void> flushed;
    private volatile long shutdownDeadlineNanos;
    private volatile Throwable upstreamFailure;

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
        batcher.flush();
    }

    @Override
    public void onComplete() {
        batcher.flush();
    }

    /**
     * Tops the upstream demand up to what the buffer bounds allow, counting every requested message at
     * max-record-bytes, so held bytes never exceed max-buffered-bytes whatever sizes arrive. Requests go out in
     * chunks (when at least half the allowed demand is missing), not one per message.
     */
    private void requestMore() {
        Flow.Subscription s = subscription.get();
        if (s == null || closed) {
            return;
        }
        synchronized (demandLock) {
            long byteRoom = (settings.maxBufferedBytes() - batcher.heldBytes()) / settings.maxRecordBytes();
            long target = Math.min(settings.maxBufferedRecords() - batcher.heldRecords(), byteRoom);
            long missing = target - requested.get();
            if (missing > 0 && missing >= Math.max(1, target / 2)) {
                requested.addAndGet(missing);
                s.request(missing);
            }
        }
    }

    /**
     * Sends what is buffered and waits (at most shutdown-timeout) for every message to be acked or nacked; what is
     * left then is nacked. Called at shutdown, before the client is closed.
     */
    public void close() {
        beginShutdown();
        finishShutdown();
    }

    /** Starts sending everything buffered at once; {@link #finishShutdown()} waits for it. */
    public void beginShutdown() {
        if (flushed == null) {
            int held = batcher.heldRecords();
            if (held > 0) {
                KinesisLogging.log.flushingOnShutdown(settings.channel(), held);
            }
            shutdownDeadlineNanos = System.nanoTime() + settings.shutdownTimeout().toNanos();
            flushed = batcher.flush();
        }
    }

    /**
     * Waits until the flush started by {@link #beginShutdown()} is done or shutdown-timeout has passed since it
     * started, then nacks whatever is left and stops requesting messages. Never waits on an event-loop thread.
     */
    public void finishShutdown() {
        if (closed) {
            return;
        }
        beginShutdown();
        if (Context.isOnEventLoopThread()) {
            KinesisLogging.log.closingOnEventLoop(settings.channel());
        } else {
            try {
                flushed.get(Math.max(0, shutdownDeadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // what is left is nacked below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closed = true;
        long timeoutMs = settings.shutdownTimeout().toMillis();
        int abandoned = batcher.abandon(
                () -> KinesisExceptions.ex.notSentBeforeShutdown(settings.channel(), settings.stream(), timeoutMs),
                () -> KinesisExceptions.ex.unansweredBeforeShutdown(settings.channel(), settings.stream(), timeoutMs));
        if (abandoned > 0) {
            KinesisLogging.log.shutdownTimeoutExpired(settings.channel(), abandoned, timeoutMs);
        }
        // Messages the Emitter still buffers were accepted by send(): take them all now, so each one is nacked as
        // "channel closed" (see onNext) instead of vanishing with a cancelled subscription.
        Flow.Subscription s = subscription.get();
        if (s != null) {
            s.request(Long.MAX_VALUE);
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
