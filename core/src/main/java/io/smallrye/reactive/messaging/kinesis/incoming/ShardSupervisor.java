package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import io.smallrye.reactive.messaging.kinesis.inspect.ShardSnapshot;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Decides which shards of the stream a channel reads, and when: lists the shards at start and every
 * shard-discovery-interval (and at once when a closed shard did not name its children), claims each startable shard
 * from the checkpoint store, starts a {@link ShardReader} from the claimed checkpoint or the starting position, and
 * hands its records to the channel's merge. A child shard starts once all its parents are finished: closed, every
 * record emitted and completed, and the end recorded in the checkpoint store. Runs on the channel context; what health
 * shows of it is published through the channel's {@link ChannelStatus}.
 * <p>
 * This class assembles the parts and runs the reading of the stream as a whole: the start (stream readable, fan-out
 * consumer ACTIVE, first listing), the periodic checkpoints, the deletion of the stream, the stop. What happens to
 * each shard, from its listing to its end, is {@link ShardLifecycle}'s.
 */
final class ShardSupervisor {

    /** At stop, how long records already handed on may take to complete before the last checkpoints are saved. */
    static final long DRAIN_TIMEOUT_MS = 5_000;

    private final IncomingSettings settings;
    private final StreamRef stream;
    private final StreamShards shards;
    private final ChannelContext context;
    private final Checkpointer checkpointer;
    private final Consumer<Throwable> fatal;
    private final ChannelStatus status;
    private final ActiveReaders readers;
    private final ShardDiscovery discovery;
    private final ReadingHealth health;
    /** The registered stream consumer of a fan-out channel; null when the channel polls. */
    private final FanOutConsumer consumer;
    private final ShardLifecycle lifecycle;
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
        this.fatal = fatal;
        this.status = status;
        this.readers = new ActiveReaders(settings.channel(), settings.stream(), metrics);
        this.discovery = new ShardDiscovery(settings, shards, context, this::onListing, fatal, status::changed);
        ShardLineage lineage = new ShardLineage(settings.startingPosition() == StartingPosition.LATEST);
        this.consumer = settings.fanOut() == null ? null
                : new FanOutConsumer(settings, client, shards, context,
                        status::changed);
        ReaderStart readerStart = new ReaderStart(settings, client, stream, context, lineage, metrics, consumer);
        this.health = new ReadingHealth(shards, discovery, readers,
                consumer == null ? () -> null : consumer::problem);
        this.lifecycle = new ShardLifecycle(settings, stream, shards, context, checkpointer, lineage, readers,
                readerStart, discovery, health, status, readerSink, fatal);
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
        lifecycle.listed(list);
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
        lifecycle.shardLost(shardId);
    }

    /** The checkpoint store hands the shard over to another consumer: see {@link ShardLifecycle#shardHandOff}. */
    void shardHandOff(String shardId, Duration drainTimeout) {
        lifecycle.shardHandOff(shardId, drainTimeout);
    }

    /** The checkpoint store says a shard may be worth claiming: see {@link ShardLifecycle#shardAvailable}. */
    void shardAvailable(String shardId) {
        lifecycle.shardAvailable(shardId);
    }

    private void checkpoint() {
        if (stopped) {
            return;
        }
        checkpointer.saveMoved(readers.progresses());
        checkpointTimer = context.setTimer(settings.checkpointInterval().toMillis(), this::checkpoint);
    }

    /**
     * Stops every reader, hands the last positions to the checkpoint store and closes it. The store is closed only once
     * the claims and hand-off releases under way are done too (or {@link #DRAIN_TIMEOUT_MS} passed, whether or not the
     * stop drains), so that a shard owned by a claim answered after the stop, or handed over, is released to an open
     * store.
     */
    CompletionStage<Void> stop(boolean drain) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.execute(() -> {
            if (stopped) {
                done.complete(null);
                return;
            }
            stopped = true;
            lifecycle.stop();
            shards.stop();
            discovery.stop();
            if (checkpointTimer != -1) {
                context.cancelTimer(checkpointTimer);
            }
            readers.stopAll();
            List<ShardProgress> progresses = readers.progresses();
            // records handed on before the stop are still processed: wait for them (within bounds), so that the
            // last checkpoints include them and whoever reads these shards next does not process them again; wait too
            // for the claims and hand-off releases under way (within bounds): their releases reach the store before
            // it closes, not after
            CompletableFuture<Void> drained = PendingDrain.of(progresses, drain ? DRAIN_TIMEOUT_MS : 0, context)
                    .toCompletableFuture();
            CompletableFuture<Void> settled = lifecycle.settled(DRAIN_TIMEOUT_MS).toCompletableFuture();
            CompletableFuture.allOf(drained, settled)
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
