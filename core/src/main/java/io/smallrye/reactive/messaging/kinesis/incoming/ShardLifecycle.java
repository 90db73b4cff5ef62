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
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Moves each shard of a stream through its {@link State}s: a listing makes shards known (and ends the readers of
 * shards gone from the stream); each startable shard is claimed from the checkpoint store and, once owned, read by a
 * {@link ShardReader} whose records go to the channel's merge; a closed shard whose records all completed is recorded
 * as ended in the store and finished, which lets its children start. The store's news moves shards too: a shard lost
 * or handed over to another consumer stops its reader, a shard available is claimed again. The only class that moves
 * shards between states; the {@link ShardSupervisor} starts and stops the reading of the stream around it. Runs on the
 * channel context.
 */
final class ShardLifecycle implements ShardReader.Listener {

    private final IncomingSettings settings;
    private final StreamRef stream;
    private final StreamShards shards;
    private final ChannelContext context;
    private final Checkpointer checkpointer;
    private final ShardLineage lineage;
    private final ActiveReaders readers;
    private final ReaderStart readerStart;
    private final ShardDiscovery discovery;
    private final ReadingHealth health;
    private final ChannelStatus status;
    private final Consumer<Multi<Received>> readerSink;
    private final Consumer<Throwable> fatal;
    /** Shards the store said were available while their claim was under way. */
    private final Set<String> availableWhileClaiming = new HashSet<>();
    /** Claims and releases not answered yet: the stop closes the store once they are done. */
    private final StoreWorkUnderWay underWay;
    private boolean stopped;

    ShardLifecycle(IncomingSettings settings, StreamRef stream, StreamShards shards, ChannelContext context,
            Checkpointer checkpointer, ShardLineage lineage, ActiveReaders readers, ReaderStart readerStart,
            ShardDiscovery discovery, ReadingHealth health, ChannelStatus status, Consumer<Multi<Received>> readerSink,
            Consumer<Throwable> fatal) {
        this.settings = settings;
        this.stream = stream;
        this.shards = shards;
        this.context = context;
        this.checkpointer = checkpointer;
        this.lineage = lineage;
        this.readers = readers;
        this.readerStart = readerStart;
        this.discovery = discovery;
        this.health = health;
        this.status = status;
        this.readerSink = readerSink;
        this.fatal = fatal;
        this.underWay = new StoreWorkUnderWay(context);
    }

    /** A complete listing of the stream's shards. */
    void listed(List<Shard> list) {
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
        underWay.track(checkpointer.release(reader.progress()));
    }

    private void startStartable() {
        for (String shardId : lineage.startable()) {
            lineage.moveTo(shardId, State.CLAIMING);
            health.claimStarted();
            underWay.started();
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
                    underWay.ended(); // after the release of a shard owned once the reading stopped
                }
            }));
        }
    }

    private void onClaim(String shardId, ShardClaim claim, Throwable failure) {
        boolean gainedMeanwhile = availableWhileClaiming.remove(shardId);
        if (stopped) {
            if (claim != null && claim.owned() && !claim.ended()) {
                underWay.track(checkpointer.release(shardId, claim.checkpoint().orElse(null)));
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

    /**
     * Records the end of the shard in the store, then removes its reader and lets its children start. Once the reading
     * stopped, nothing of it happens: the stop already stopped the reader (and told metrics) and releases its position.
     */
    private void finish(ShardReader reader) {
        if (stopped) {
            return;
        }
        checkpointer.ended(reader.progress(), lineage.children(reader.shardId()))
                .whenComplete((ignored, failure) -> context.execute(() -> {
                    if (stopped) {
                        return; // the reader stays registered, as every reader does at stop
                    }
                    if (readers.remove(reader)) {
                        status.changed();
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
     * The checkpoint store took the shard away: its reader stops; the shard is claimed again after a listing. Once the
     * reading stopped, the news is ignored: the stop already stopped the reader and releases its position.
     */
    void shardLost(String shardId) {
        context.execute(() -> {
            if (stopped) {
                return;
            }
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
     * consumer resumes. The shard is claimed again after a listing, as a lost one. Once the reading stopped, the news
     * is ignored: the stop already stopped the reader and releases its position (and a shard whose claim is under way
     * is released when the claim answers). A hand-off under way when the reading stops goes on: the stop closes the
     * store only after its release (within its bound, see {@link #settled(long)}).
     */
    void shardHandOff(String shardId, Duration drainTimeout) {
        context.execute(() -> {
            if (stopped) {
                return;
            }
            ShardReader reader = readers.remove(shardId);
            if (reader == null) {
                underWay.track(checkpointer.release(shardId, null)); // held but not read (yet): nothing to wait for
                return;
            }
            status.changed();
            reader.stop();
            lineage.moveTo(shardId, State.NOT_OWNED);
            KinesisIncomingLogging.log.shardReleased(settings.channel(), shardId, "handed over to another consumer");
            underWay.track(PendingDrain.of(List.of(reader.progress()), Math.max(1, drainTimeout.toMillis()), context)
                    .thenCompose(ignored -> checkpointer.release(reader.progress())));
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

    /**
     * The reading of the stream stops: from now on a claim's answer that owns a shard releases it at once, closed shards
     * are no longer recorded as ended, the store's news of an available shard starts no claim, and its news of a shard
     * lost or handed over is ignored (the stop halts every reader and releases its position itself). A hand-off begun
     * before still releases its shard once its records in flight complete: see {@link #settled(long)}.
     */
    void stop() {
        stopped = true;
    }

    /**
     * Completes once the claims and releases under way are done (every claim answered, a shard owned by an answer after
     * the stop released, each hand-off's shard released and each release answered), or after {@code timeoutMs}: the
     * store may be closed then. Called once, after {@link #stop()}.
     */
    CompletionStage<Void> settled(long timeoutMs) {
        return underWay.done(timeoutMs);
    }
}
