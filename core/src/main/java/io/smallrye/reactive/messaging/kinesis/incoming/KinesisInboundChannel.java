package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.opentelemetry.api.trace.Tracer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisBatchMessage;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisFailureHandler;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import io.smallrye.reactive.messaging.kinesis.inspect.ChannelSnapshot;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadCodecs;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadDecoder;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadType;
import io.smallrye.reactive.messaging.kinesis.tracing.IncomingTracing;
import io.smallrye.reactive.messaging.providers.helpers.CDIUtils;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * An incoming channel: the records of every shard of a stream, as one stream of messages.
 * <p>
 * The {@link ShardSupervisor} starts a {@link ShardReader} per shard (and per child shard after resharding); their
 * record streams are merged as they come (any number at once), moved onto the channel's Vert.x context, and turned
 * into {@link IncomingKinesisMessage}s there by its {@link MessageMaker}, each with a duplicated context of its own
 * (one per user record of an aggregated record); with {@code batch=true}, a page of a shard becomes one
 * {@link IncomingKinesisBatchMessage} holding a message per record. Reading starts when the channel is subscribed. Failures
 * that can heal (a stream missing or not ACTIVE yet, network trouble, throttling) are
 * retried without limit while readiness says why; a failure the channel cannot get over (access denied, a lost
 * position under {@code lost-position-strategy=fail}, a nack under {@code failure-strategy=fail}) stops every reader
 * and fails the stream; health reports it.
 * <p>
 * Threads: the channel's state lives on its {@link ChannelContext} and is touched there only. Health
 * ({@link ChannelReports}) reads the {@link ChannelStatus} snapshot the context publishes; the record counts
 * ({@link #pendingRecords()} ...) hop onto the
 * context and wait for it.
 */
public class KinesisInboundChannel {

    /** How many records the merge takes from each reader ahead of demand. */
    static final int MERGE_PREFETCH = 16;
    /** How many records wait to be moved onto the channel context. */
    static final int CONTEXT_BUFFER = 16;
    /** The longest {@link #close()} waits for the checkpoint store. */
    static final long CLOSE_TIMEOUT_MS = 10_000;

    private final IncomingSettings settings;
    private final String region;
    private final ChannelContext context;
    private final MessageMaker messages;
    /** One per stream read, in the configured order. */
    private final List<StreamReading> streams;
    private final ChannelStatus status;
    private final ChannelReports reports;
    private final UnicastProcessor<Multi<Received>> readers = UnicastProcessor.create();
    private final Multi<? extends Message<?>> stream;
    /** Whether the stream was subscribed (and the supervisor started). Context only. */
    private boolean subscribed;
    /** The failure that stopped the channel. Context only. */
    private Throwable failure;

    public KinesisInboundChannel(KinesisConnectorIncomingConfiguration conf, KinesisAsyncClient client, Vertx vertx,
            Instance<KinesisFailureHandler.Factory> failureHandlers, Instance<CheckpointStore.Factory> stores,
            PayloadCodecs payloadCodecs, KinesisMetrics metrics) {
        this(conf, client, vertx, failureHandlers, stores, payloadCodecs, metrics, null);
    }

    /** @param tracer records a CONSUMER span per message; null: no spans */
    public KinesisInboundChannel(KinesisConnectorIncomingConfiguration conf, KinesisAsyncClient client, Vertx vertx,
            Instance<KinesisFailureHandler.Factory> failureHandlers, Instance<CheckpointStore.Factory> stores,
            PayloadCodecs payloadCodecs, KinesisMetrics metrics, Tracer tracer) {
        this.settings = IncomingSettings.from(conf);
        IncomingTracing tracing = new IncomingTracing(tracer);
        PayloadType payloadType = PayloadType.parse(settings.channel(), conf.getPayloadType());
        PayloadDecoder decoder = payloadCodecs.decoder(settings.channel(), payloadType);
        this.region = KinesisClients.regionOf(client);
        this.context = new ChannelContext(settings.channel(), vertx);
        this.status = new ChannelStatus(context);
        KinesisFailureHandler failureHandler = select(failureHandlers, "failure-strategy", conf.getFailureStrategy(),
                "fail, ignore, dead-letter-stream, or the @Identifier of a KinesisFailureHandler.Factory bean")
                .create(conf, client, this::reportFailure);
        this.messages = new MessageMaker(settings, context, failureHandler, payloadType, decoder, tracing);
        CheckpointStore.Factory storeFactory = select(stores, "checkpoint-store", conf.getCheckpointStore(),
                "in-memory, or the @Identifier of a CheckpointStore.Factory bean");
        List<StreamReading> reading = new ArrayList<>();
        for (String one : settings.streams()) {
            reading.add(new StreamReading(settings, one, conf, storeFactory, client, region, context, status,
                    readers::onNext, failure -> reportFailure(failure, true), metrics));
        }
        this.streams = List.copyOf(reading);
        this.reports = new ChannelReports(settings, region, streams, status);
        status.readFrom(streams.size() == 1 ? streams.get(0).supervisor().health()
                : new ReadingHealths(streams.stream().map(one -> one.supervisor().health()).toList()));
        this.stream = readers
                .onItem().transformToMulti(records -> records).withRequests(MERGE_PREFETCH).merge(Integer.MAX_VALUE)
                .emitOn(context::submit, CONTEXT_BUFFER)
                .map(messages::toMessage)
                .filter(message -> message != MessageMaker.UNREADABLE)
                .onSubscription().invoke(() -> context.execute(() -> {
                    if (!subscribed) {
                        subscribed = true;
                        status.subscribed();
                        streams.forEach(one -> one.supervisor().start());
                    }
                }));
        KinesisIncomingLogging.log.incomingChannelReady(settings.channel(), String.join(", ", settings.streams()),
                settings.startingPosition() + (settings.startingTimestamp() == null ? "" : " " + settings.startingTimestamp()),
                settings.pollInterval().toMillis(), settings.recordsPerCall(), settings.maxPendingRecords(),
                conf.getFailureStrategy(), conf.getCheckpointStore());
    }

    private <F> F select(Instance<F> factories, String attribute, String identifier, String allowed) {
        Instance<F> selected = CDIUtils.getInstanceById(factories, identifier);
        if (!selected.isResolvable()) {
            throw KinesisExceptions.ex.invalidAttribute(settings.channel(), attribute, identifier, allowed);
        }
        return selected.get();
    }

    /** The messages of the channel. */
    public Flow.Publisher<? extends Message<?>> getStream() {
        return stream;
    }

    /**
     * Reports a failure (from any thread: it is handled on the channel context). A fatal one stops the readers, saves
     * the checkpoints and fails the stream; health reports it.
     */
    public void reportFailure(Throwable reason, boolean fatal) {
        if (!fatal) {
            return;
        }
        context.execute(() -> {
            if (failure != null) {
                return;
            }
            failure = reason;
            status.failed(reason);
            KinesisIncomingLogging.log.channelFailed(settings.channel(), streamsText(), AwsErrors.summary(reason));
            KinesisIncomingLogging.log.channelFailedDetail(settings.channel(), streamsText(), reason);
            // a failed channel delivers nothing more: no wait for messages in flight
            stopAll(false).whenComplete((ignored, error) -> context.execute(() -> readers.onError(reason)));
        });
    }

    /** Stops the readers and hands the last positions to the checkpoint store (waits for it, within bounds). */
    public void close() {
        context.execute(status::closed);
        var stopped = stopAll(true).toCompletableFuture();
        if (!Context.isOnEventLoopThread()) {
            try {
                stopped.get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                KinesisIncomingLogging.log.checkpointsNotSavedInTime(settings.channel(), CLOSE_TIMEOUT_MS);
            } catch (ExecutionException e) {
                // logged by the checkpointer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        context.execute(readers::onComplete);
    }

    /** Stops the reading of every stream; completes once each stopped (its checkpoints handed to its store). */
    private CompletionStage<Void> stopAll(boolean drain) {
        return CompletableFuture.allOf(streams.stream()
                .map(one -> one.supervisor().stop(drain).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /** The streams read, for messages: one name, or the list. */
    private String streamsText() {
        return String.join(", ", settings.streams());
    }

    public void reportReadiness(HealthReport.HealthReportBuilder builder) {
        reports.readiness(builder);
    }

    /**
     * Started once the channel is attached: its stream subscribed and the first listing of the shards done (the readers
     * of the listed shards are being started, or their leases taken). Until then down, saying what it waits for. Stays
     * up afterwards: readiness and liveness tell what happens next.
     */
    public void reportStartup(HealthReport.HealthReportBuilder builder) {
        reports.startup(builder);
    }

    public void reportLiveness(HealthReport.HealthReportBuilder builder) {
        reports.liveness(builder);
    }

    public String channel() {
        return settings.channel();
    }

    /**
     * Records (user records of aggregated records counted one by one) emitted by the shard readers and not yet acked
     * or nacked, all shards together. At most max-pending-records per shard. Read on the channel context: waits for
     * it, so not to be called on an event loop.
     */
    public int pendingRecords() {
        return context.read("pendingRecords()",
                () -> streams.stream().mapToInt(one -> one.supervisor().pendingRecords()).sum());
    }

    /**
     * Records (user records counted one by one) emitted by the shard readers since the channel started. Read on the
     * channel context, as {@link #pendingRecords()}.
     */
    public long fetchedRecords() {
        return context.read("fetchedRecords()",
                () -> streams.stream().mapToLong(one -> one.supervisor().fetchedRecords()).sum());
    }

    /** Shards being read now. Read on the channel context, as {@link #pendingRecords()}. */
    public int activeShards() {
        return context.read("activeShards()",
                () -> streams.stream().mapToInt(one -> one.supervisor().activeReaders()).sum());
    }

    /**
     * What the channel and its shard readers show now, for tools (the Dev UI). Made on the channel context (from any
     * thread, without blocking): the Uni completes there.
     */
    public Uni<ChannelSnapshot> snapshot() {
        return Uni.createFrom().emitter(emitter -> {
            if (!context.submit(() -> emitter.complete(reports.snapshot(failure, subscribed)))) {
                emitter.fail(KinesisIncomingExceptions.ex.channelContextGone(settings.channel()));
            }
        });
    }

    /** The stream the channel reads, as configured (a name or an ARN); with {@code streams}, the first of them. */
    public String stream() {
        return settings.stream();
    }

    /** Every stream the channel reads, as configured, in the configured order. */
    public List<String> streams() {
        return settings.streams();
    }

    /** The checkpoint store of the channel's (first) stream. */
    public CheckpointStore checkpointStore() {
        return streams.get(0).store();
    }

    /** The checkpoint store of each stream the channel reads (one per stream), in the configured order. */
    public List<CheckpointStore> checkpointStores() {
        return streams.stream().map(StreamReading::store).toList();
    }
}
