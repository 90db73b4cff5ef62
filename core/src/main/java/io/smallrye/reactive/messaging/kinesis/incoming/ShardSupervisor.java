package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import io.smallrye.reactive.messaging.kinesis.incoming.ShardLineage.State;
import io.smallrye.reactive.messaging.kinesis.inspect.ShardSnapshot;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Decides which shards of the stream a channel reads, and when: lists the shards at start and every
 * shard-discovery-interval (and at once when a closed shard did not name its children), claims each startable shard
 * from the checkpoint store, starts a {@link ShardReader} from the claimed checkpoint or the starting position, and
 * hands its records to the channel's merge. A child shard starts once all its parents are finished: closed, every
 * record emitted and completed, and the end recorded in the checkpoint store. Runs on the channel context; what health
 * shows of it is published through the channel's {@link ChannelStatus}.
 */
final class ShardSupervisor implements ShardReader.Listener {

    /** At stop, how long records already handed on may take to complete before the last checkpoints are saved. */
    static final long DRAIN_TIMEOUT_MS = 5_000;

    private final IncomingSettings settings;
    private final StreamRef stream;
    private final StreamShards shards;
    private final ChannelContext context;
    private final Checkpointer checkpointer;
    private final ShardLineage lineage;
    private final ReaderStart readerStart;
    private final Consumer<Multi<Received>> readerSink;
    private final Consumer<Throwable> fatal;
    private final ChannelStatus status;
    private final ActiveReaders readers;
    private final ShardDiscovery discovery;
    private final ReadingHealth health;
    /** The registered stream consumer of a fan-out channel; null when the channel polls. */
    private final FanOutConsumer consumer;
    /** Shards the store said were available while their claim was under way. */
    private final Set<String> availableWhileClaiming = new HashSet<>();
    private boolean stopped;
    private long checkpointTimer = -1;

    ShardSupervisor(IncomingSettings settings, KinesisAsyncClient client, StreamRef stream, StreamShards shards,
            ChannelContext context, Checkpointer checkpointer, Consumer<Multi<Received>> readerSink,
            Consumer<Throwable> fatal, KinesisMetrics metrics, ChannelStatus status) {
        this.settings = settings;
        this.stream = stream;
        this.shards = shards;
        this.context = context;
        this.checkpointer = checkpointer;
        this.readerSink = readerSink;
        this.fatal = fatal;
        this.status = status;
        this.readers = new ActiveReaders(settings.channel(), settings.stream(), metrics);
        this.discovery = new ShardDiscovery(settings, shards, context, this::onListing, fatal, status::changed);
        this.lineage = new ShardLineage(settings.startingPosition() == StartingPosition.LATEST);
        this.consumer = settings.fanOut() == null ? null
                : new FanOutConsumer(settings, client, shards, context,
                        status::changed);
        this.readerStart = new ReaderStart(settings, client, stream, context, lineage, metrics, consumer);
        this.health = new ReadingHealth(shards, discovery, readers,
                consumer == null ? () -> null : consumer::problem);
        if (settings.multiStream()) {
            discovery.onStreamDeleted(this::streamDeleted);
        }
    }

    /** What health shows of the reading of this stream. */
    ReadingHealth health() {
        return health;
    }

    /**
     * Checks the stream (and gets the fan-out consumer ACTIVE), then lists its shards and starts the readers. A polling
     * channel lists the shards while the stream is described (ListShards needs nothing DescribeStreamSummary answers),
     * so the first reads wait for one round trip less; that listing is used only when the stream was readable at the
     * first answer, otherwise the shards are listed again once it is.
     */
    void start() {
        context.execute(() -> {
            CompletionStage<List<Shard>> early = consumer == null ? shards.list() : null;
            shards.awaitReadable()
                    .thenCompose(ignored -> consumer == null || stopped ? CompletableFuture.completedFuture(null)
                            : consumer.awaitActive())
                    .whenComplete((ignored, failure) -> context.execute(() -> {
                        if (stopped) {
                            return;
                        }
                        if (failure != null) {
                            fatal.accept(AwsErrors.unwrap(failure));
                        } else {
                            checkpointer.streamDescribed(shards.info());
                            if (early != null && shards.readableAtFirstAnswer()) {
                                discovery.discover(() -> earlyOrNew(early));
                            } else {
                                discovery.discover();
                            }
                            checkpointTimer = context.setTimer(settings.checkpointInterval().toMillis(),
                                    this::checkpoint);
                        }
                    }));
        });
    }

    /** The early listing if it succeeded; a new one if it failed (its failure is not news: it ran unchecked). */
    private CompletionStage<List<Shard>> earlyOrNew(CompletionStage<List<Shard>> early) {
        CompletableFuture<List<Shard>> listing = new CompletableFuture<>();
        early.whenComplete((list, failure) -> context.execute(() -> {
            if (failure == null) {
                listing.complete(list);
            } else {
                shards.list().whenComplete((again, error) -> {
                    if (error == null) {
                        listing.complete(again);
                    } else {
                        listing.completeExceptionally(error);
                    }
                });
            }
        }));
        return listing;
    }

    private void onListing(List<Shard> list) {
        lineage.listed(list);
        checkpointer.listed(list.stream().map(ShardLineage::infoOf).toList());
        health.listingSucceeded();
        Set<String> listed = list.stream().map(Shard::shardId).collect(Collectors.toSet());
        for (ShardReader reader : readers.all()) {
            if (reader.missing() && !listed.contains(reader.shardId())) {
                shardGone(reader);
            }
        }
        startStartable();
        status.changed();
    }

    /**
     * Kinesis answers that the shard does not exist, and the stream's listing no longer has it (the stream was
     * recreated with fewer shards): its reader ends, without failing the channel. Should the shard be listed again,
     * it is claimed again.
     */
    private void shardGone(ShardReader reader) {
        if (!readers.remove(reader)) {
            return;
        }
        KinesisIncomingLogging.log.shardGone(settings.channel(), reader.shardId(), settings.stream());
        reader.stop();
        lineage.moveTo(reader.shardId(), State.GONE);
        checkpointer.release(reader.progress());
    }

    private void startStartable() {
        for (String shardId : lineage.startable()) {
            lineage.moveTo(shardId, State.CLAIMING);
            health.claimStarted();
            CompletionStage<ShardClaim> claim;
            try {
                claim = checkpointer.claim(lineage.info(shardId));
            } catch (RuntimeException e) {
                claim = CompletableFuture.failedFuture(e);
            }
            claim.whenComplete((answer, failure) -> context.execute(() -> {
                try {
                    onClaim(shardId, answer, failure);
                } finally {
                    health.claimAnswered(); // after the reader is registered: see ReadingHealth.started()
                    status.changed();
                }
            }));
        }
    }

    private void onClaim(String shardId, ShardClaim claim, Throwable failure) {
        boolean gainedMeanwhile = availableWhileClaiming.remove(shardId);
        if (stopped) {
            if (claim != null && claim.owned() && !claim.ended()) {
                checkpointer.release(shardId, claim.checkpoint().orElse(null));
            }
            return;
        }
        if (failure != null || claim == null) {
            checkpointer.failed("claim", shardId,
                    failure == null ? new NullPointerException("the checkpoint store answered no claim") : failure);
            lineage.moveTo(shardId, State.NOT_OWNED); // claimed again after the next listing
            return;
        }
        checkpointer.succeeded("claim", shardId);
        if (!claim.owned()) {
            KinesisIncomingLogging.log.shardNotOwned(settings.channel(), shardId);
            lineage.moveTo(shardId, State.NOT_OWNED);
            if (gainedMeanwhile) {
                // the store gained the shard after answering: claim again
                lineage.retryNotOwned();
                startStartable();
            }
        } else if (claim.ended()) {
            lineage.moveTo(shardId, State.FINISHED);
            startStartable();
        } else {
            startReader(shardId, claim.checkpoint(), claim.startsAtOldest());
        }
    }

    private void startReader(String shardId, Optional<ShardPosition> checkpoint, boolean fromOldest) {
        ShardReader reader = readerStart.reader(shardId, checkpoint, fromOldest, this);
        readers.add(reader);
        lineage.moveTo(shardId, State.READING);
        readerSink.accept(reader.records());
    }

    @Override
    public void shardClosed(ShardReader reader, List<ChildShard> children) {
        KinesisIncomingLogging.log.shardClosed(settings.channel(), reader.shardId(),
                children.stream().map(ChildShard::shardId).collect(Collectors.joining(", ", "[", "]")));
        if (children.isEmpty() || lineage.childrenFound(children)) {
            discovery.discover(); // Kinesis did not name them all: ListShards will
        }
    }

    @Override
    public void emptied(ShardReader reader) {
        lineage.moveTo(reader.shardId(), State.DRAINING);
        reader.progress().whenAllCompleted(() -> context.submit(() -> finish(reader)));
    }

    private void finish(ShardReader reader) {
        if (stopped) {
            return;
        }
        checkpointer.ended(reader.progress(), lineage.children(reader.shardId()))
                .whenComplete((ignored, failure) -> context.execute(() -> {
                    if (readers.remove(reader)) {
                        status.changed();
                    }
                    if (stopped) {
                        return;
                    }
                    lineage.moveTo(reader.shardId(), State.FINISHED);
                    KinesisIncomingLogging.log.shardFinished(settings.channel(), reader.shardId());
                    startStartable();
                }));
    }

    @Override
    public void failed(ShardReader reader, Throwable failure) {
        fatal.accept(KinesisIncomingExceptions.ex.readFailed(settings.channel(), reader.shardId(), stream.value(),
                shards.region(), AwsErrors.summary(failure), AwsErrors.unwrap(failure)));
    }

    @Override
    public void positionLost(ShardReader reader, String position, String detail) {
        fatal.accept(KinesisIncomingExceptions.ex.positionLost(settings.channel(), position, reader.shardId(),
                stream.value(), shards.region(), detail));
    }

    @Override
    public void statusChanged(ShardReader reader) {
        if (reader.missing() && settings.multiStream()) {
            discovery.discover(); // the shard, or the whole stream, is gone: a listing tells which
        }
        status.changed();
    }

    /**
     * The stream was deleted while read (a channel of several streams): its readers stop, their last positions are
     * released, and health says so until the channel stops; the channel's other streams go on.
     */
    private void streamDeleted(Throwable failure) {
        if (stopped) {
            return;
        }
        KinesisIncomingLogging.log.streamDeleted(settings.channel(), stream.value(), shards.region(),
                AwsErrors.summary(failure), readers.size());
        KinesisIncomingLogging.log.streamDeletedDetail(settings.channel(), stream.value(), failure);
        health.streamDeleted("stream '" + stream.value() + "' (region " + shards.region()
                + ") was deleted while it was read; its readers stopped (" + AwsErrors.summary(failure) + ")");
        stop(false).whenComplete((ignored, error) -> context.execute(() -> {
            readers.clear(); // its last positions were released: the stream has no reader left
            status.changed();
        }));
        status.changed();
    }

    /** The checkpoint store took the shard away: its reader stops; the shard is claimed again after a listing. */
    void shardLost(String shardId) {
        context.execute(() -> {
            ShardReader reader = readers.remove(shardId);
            if (reader != null) {
                status.changed();
                reader.stop();
                lineage.moveTo(shardId, State.NOT_OWNED);
                KinesisIncomingLogging.log.shardReleased(settings.channel(), shardId, "lost to another consumer");
            }
        });
    }

    /**
     * The checkpoint store hands the shard over to another consumer: its reader stops, the records it handed on may
     * complete (within {@code drainTimeout}), then the last position is released to the store, where the next
     * consumer resumes. The shard is claimed again after a listing, as a lost one.
     */
    void shardHandOff(String shardId, Duration drainTimeout) {
        context.execute(() -> {
            ShardReader reader = readers.remove(shardId);
            if (reader == null) {
                if (!stopped) {
                    checkpointer.release(shardId, null); // held but not read (yet): nothing to wait for
                }
                return;
            }
            status.changed();
            reader.stop();
            lineage.moveTo(shardId, State.NOT_OWNED);
            KinesisIncomingLogging.log.shardReleased(settings.channel(), shardId, "handed over to another consumer");
            PendingDrain.of(List.of(reader.progress()), Math.max(1, drainTimeout.toMillis()), context)
                    .thenCompose(ignored -> checkpointer.release(reader.progress()));
        });
    }

    /**
     * The checkpoint store says a shard may be worth claiming (it took its lease for this channel, or another node
     * finished it): shards not owned so far are claimed again, and a shard not listed yet makes the channel list.
     */
    void shardAvailable(String shardId) {
        context.execute(() -> {
            if (stopped || !health.listed()) {
                return;
            }
            State state = lineage.state(shardId);
            if (state == null) {
                discovery.discover();
            } else if (state == State.CLAIMING) {
                availableWhileClaiming.add(shardId); // its answer may predate the news
            }
            lineage.retryNotOwned();
            startStartable();
        });
    }

    private void checkpoint() {
        if (stopped) {
            return;
        }
        checkpointer.saveMoved(readers.progresses());
        checkpointTimer = context.setTimer(settings.checkpointInterval().toMillis(), this::checkpoint);
    }

    /** Stops every reader, hands the last positions to the checkpoint store and closes it. */
    CompletionStage<Void> stop(boolean drain) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.execute(() -> {
            if (stopped) {
                done.complete(null);
                return;
            }
            stopped = true;
            shards.stop();
            discovery.stop();
            if (checkpointTimer != -1) {
                context.cancelTimer(checkpointTimer);
            }
            readers.stopAll();
            List<ShardProgress> progresses = readers.progresses();
            // records handed on before the stop are still processed: wait for them (within bounds), so that the
            // last checkpoints include them and whoever reads these shards next does not process them again
            PendingDrain.of(progresses, drain ? DRAIN_TIMEOUT_MS : 0, context)
                    .thenCompose(ignored -> checkpointer.releaseAllAndClose(progresses))
                    .thenCompose(ignored -> consumer == null ? CompletableFuture.completedFuture(null)
                            : consumer.deregisterIfAsked())
                    .whenComplete((ignored, failure) -> done.complete(null));
        });
        return done;
    }

    /** Records fetched and not completed yet, all shards together. */
    int pendingRecords() {
        return readers.pendingRecords();
    }

    /** Records fetched since the start, all shards together. */
    long fetchedRecords() {
        return readers.fetchedRecords();
    }

    /** What the readers show now, for tools. */
    List<ShardSnapshot> snapshots() {
        return readers.snapshots();
    }

    /** Shards being read now. */
    int activeReaders() {
        return readers.size();
    }
}
