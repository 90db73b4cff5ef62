package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadCodecs;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadEncoder;
import io.smallrye.reactive.messaging.kinesis.tracing.OutgoingTracing;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The subscriber behind an outgoing channel. Each message is validated on the thread that delivers it (an Emitter's
 * caller) and handed to the channel's Vert.x context through the {@link RecordInbox}; everything else happens on that
 * context, one task at a time and without locks: the {@link SendLoop} batches, sends and acks, the
 * {@link UpstreamDemand} asks upstream for more only while the channel holds less than its bounds (so a fast Emitter
 * meets backpressure instead of filling the heap), the {@link ChannelShutdown} flushes at the end.
 */
public class KinesisOutboundChannel implements Flow.Subscriber<Message<?>> {

    /** How long the closing thread waits for the context beyond shutdown-timeout (it may be busy acking). */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final OutgoingSettings settings;
    private final OutgoingRecordFactory records;
    private final ChannelContext context;
    private final RecordInbox inbox;
    private final SendLoop loop;
    private final UpstreamDemand demand;
    private final ChannelShutdown shutdown;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicBoolean shutdownRequested = new AtomicBoolean();
    /** Set on the context when the channel closes; read by upstream's threads. */
    private volatile boolean closed;
    private volatile Throwable upstreamFailure;
    /** Whether the channel got its upstream's subscription (stays true); read by health from any thread. */
    private volatile boolean attached;
    /** On the context. */
    private boolean upstreamDone;

    public KinesisOutboundChannel(OutgoingSettings settings, KinesisAsyncClient client, Vertx vertx) {
        this(settings, client, vertx, KinesisMetrics.NONE);
    }

    public KinesisOutboundChannel(OutgoingSettings settings, KinesisAsyncClient client, Vertx vertx,
            KinesisMetrics metrics) {
        this(settings, client, vertx, metrics, new PayloadCodecs(null).objectEncoder(settings.channel(), null));
    }

    /**
     * @param vertx the channel gets an event-loop context of its own from it
     * @param objectEncoder how payloads other than bytes, text and Vert.x JSON are written; null to reject them
     */
    public KinesisOutboundChannel(OutgoingSettings settings, KinesisAsyncClient client, Vertx vertx,
            KinesisMetrics metrics, PayloadEncoder objectEncoder) {
        this(settings, client, vertx, metrics, objectEncoder, OutgoingTracing.OFF);
    }

    /**
     * @param vertx the channel gets an event-loop context of its own from it
     * @param objectEncoder how payloads other than bytes, text and Vert.x JSON are written; null to reject them
     * @param tracing the PRODUCER spans and trace envelopes of the channel
     */
    public KinesisOutboundChannel(OutgoingSettings settings, KinesisAsyncClient client, Vertx vertx,
            KinesisMetrics metrics, PayloadEncoder objectEncoder, OutgoingTracing tracing) {
        this.settings = settings;
        this.records = new OutgoingRecordFactory(settings, objectEncoder, tracing);
        this.context = new ChannelContext(settings.channel(), vertx);
        this.inbox = new RecordInbox(context, this::take, this::taken, this::requestMore, this::woken, this::orphaned);
        this.loop = new SendLoop(settings, client, KinesisClients.regionOf(client), context, inbox, this::requestMore,
                metrics);
        this.demand = new UpstreamDemand(settings, loop, inbox);
        this.shutdown = new ChannelShutdown(settings, context, loop, demand, inbox, () -> upstreamDone,
                () -> closed = true);
        KinesisLogging.log.outgoingChannelReady(settings.channel(), settings.stream(), settings.bufferTime().toMillis(),
                settings.maxBatchRecords(), settings.maxBatchBytes(), settings.maxInFlight(),
                settings.ordering().attributeValue());
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        context.execute(() -> {
            if (demand.subscribe(s)) {
                attached = true;
                demand.topUp();
            } else {
                s.cancel();
            }
        });
    }

    @Override
    public void onNext(Message<?> message) {
        if (closed) {
            MessageCompletion.nack(message, closedReason(message));
            return;
        }
        PendingRecord record;
        try {
            record = records.create(message, sequence.getAndIncrement(), System.nanoTime());
        } catch (IllegalArgumentException rejected) {
            inbox.offer(new RecordInbox.Rejected(message, rejected));
            demand.delivered();
            return;
        }
        inbox.offer(record);
        demand.delivered();
    }

    @Override
    public void onError(Throwable failure) {
        KinesisLogging.log.upstreamFailure(settings.channel(), failure);
        upstreamFailure = failure;
        upstreamFinished();
    }

    @Override
    public void onComplete() {
        upstreamFinished();
    }

    /** A later task: upstream may be delivering from the context itself, inside a request for more. */
    private void upstreamFinished() {
        context.submit(() -> {
            upstreamDone = true;
            loop.flush(0);
        });
    }

    /** On the context: takes an arrival from the inbox. */
    private void take(Object arrival) {
        demand.arrived();
        if (arrival instanceof PendingRecord record) {
            if (closed) {
                record.nack(closedReason(record.message), null);
            } else {
                loop.add(record);
            }
        } else {
            RecordInbox.Rejected rejected = (RecordInbox.Rejected) arrival;
            KinesisLogging.log.messageRejected(settings.channel(), rejected.reason().getMessage());
            MessageCompletion.nack(rejected.message(), rejected.reason());
        }
    }

    /** On the context: records arrived that need it now (taking them tops the demand up). */
    private void woken() {
        inbox.takeAll();
        loop.drain();
    }

    /** Any thread: the context no longer runs (Vert.x stopped first), the arrival is nacked here. */
    private void orphaned(Object arrival) {
        if (arrival instanceof PendingRecord record) {
            record.nack(closedReason(record.message), null);
        } else {
            RecordInbox.Rejected rejected = (RecordInbox.Rejected) arrival;
            MessageCompletion.nack(rejected.message(), rejected.reason());
        }
    }

    private IllegalStateException closedReason(Message<?> message) {
        return KinesisExceptions.ex.channelClosed(settings.channel(), records.streamOf(message));
    }

    private void taken() {
        demand.taken();
    }

    private void requestMore() {
        demand.topUp();
    }

    /** The bound on held records now (for tests and health details). Not on the channel's context. */
    long heldRecordLimit() {
        return CompletableFuture.supplyAsync(demand::recordLimit, context).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /**
     * Takes what arrived now (arrivals may otherwise wait for the context's next task, see {@link RecordInbox}) and
     * tells whether upstream delivered the {@code delivered} messages or all it was asked for. For tests, which hand
     * messages over and then look at what the channel does with them. Not on the context.
     */
    boolean intakeSettled(long delivered) {
        return CompletableFuture.supplyAsync(() -> {
            inbox.takeAll();
            loop.drain();
            return demand.subscribed() && (demand.arrivals() >= delivered || !demand.outstanding());
        }, context).orTimeout(10, TimeUnit.SECONDS).join();
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
        if (shutdownRequested.compareAndSet(false, true)) {
            long start = System.nanoTime();
            if (!onContext(() -> shutdown.begin(start))) {
                shutdown.drained().complete(null); // Vert.x no longer runs: nothing can be sent any more
            }
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
            if (!onContext(shutdown::close)) {
                shutdown.close();
            }
            return;
        }
        await(shutdown.drained(), settings.shutdownTimeout().toNanos() + GRACE_NANOS);
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (context.submit(() -> {
            try {
                shutdown.close();
            } finally {
                done.complete(null);
            }
        })) {
            await(done, GRACE_NANOS);
        } else {
            shutdown.close(); // Vert.x no longer runs: this thread is the only one left to touch the channel
        }
    }

    /** Runs the task on the context (at once when already there); false when Vert.x no longer runs tasks. Tests use it too. */
    boolean onContext(Runnable task) {
        if (context.isCurrent()) {
            task.run();
            return true;
        }
        return context.submit(task);
    }

    private static void await(CompletableFuture<Void> future, long nanos) {
        try {
            future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // closed anyway: what is left is nacked
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void reportReadiness(HealthReport.HealthReportBuilder builder) {
        if (settings.healthEnabled()) {
            String problem = loop.streamProblem();
            builder.add(settings.channel(), problem == null && !closed, problem);
        }
    }

    /**
     * Started once the channel is attached to its upstream (an Emitter or an {@code @Outgoing} method subscribed it),
     * and stays so; down until then, saying so.
     */
    public void reportStartup(HealthReport.HealthReportBuilder builder) {
        if (settings.healthEnabled()) {
            boolean started = attached;
            builder.add(settings.channel(), started, started ? null
                    : closed ? "closed before it started"
                            : "waiting for its upstream (an Emitter or an @Outgoing method) to subscribe");
        }
    }

    public void reportLiveness(HealthReport.HealthReportBuilder builder) {
        if (settings.healthEnabled()) {
            Throwable failure = upstreamFailure;
            builder.add(settings.channel(), failure == null, failure == null ? null : String.valueOf(failure));
        }
    }
}
