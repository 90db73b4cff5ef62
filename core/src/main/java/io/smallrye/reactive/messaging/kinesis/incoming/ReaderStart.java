package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.Optional;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Makes the reader of a shard the channel may read: from the checkpoint the store gave, else from the shard's oldest
 * record when the store says so, else from the channel's starting position (shards of the first listing) or the
 * shard's first record (shards found later: children of resharding). Channel context only.
 */
final class ReaderStart {

    private final IncomingSettings settings;
    private final KinesisAsyncClient client;
    private final StreamRef stream;
    private final ChannelContext context;
    private final ShardLineage lineage;
    private final KinesisMetrics metrics;
    private final FanOutConsumer consumer;

    /** @param consumer the registered stream consumer of a fan-out channel; null when the channel polls */
    ReaderStart(IncomingSettings settings, KinesisAsyncClient client, StreamRef stream, ChannelContext context,
            ShardLineage lineage, KinesisMetrics metrics, FanOutConsumer consumer) {
        this.settings = settings;
        this.client = client;
        this.stream = stream;
        this.context = context;
        this.lineage = lineage;
        this.metrics = metrics;
        this.consumer = consumer;
    }

    ShardReader reader(String shardId, Optional<ShardPosition> checkpoint, boolean fromOldest,
            ShardReader.Listener listener) {
        IteratorStart start = checkpoint.map(IteratorStart::after)
                .orElseGet(() -> fromOldest ? IteratorStart.trimHorizon() : startOf(shardId));
        ShardReader reader = new ShardReader(settings, this::source,
                new ShardProgress(settings.stream(), shardId, checkpoint.orElse(null)),
                lineage.hashRange(shardId), start, context, listener);
        KinesisIncomingLogging.log.shardReaderStarted(settings.channel(), shardId, start.toString());
        return reader;
    }

    /** GetRecords calls (polling), or the events of SubscribeToShard (fan-out). */
    private ShardSource source(String shardId, ShardCursor cursor, FetchedRecords buffer, Runnable statusChanged) {
        if (consumer == null) {
            return new ShardFetcher(settings, client, stream, shardId, cursor, buffer, context, metrics, statusChanged);
        }
        return new ShardSubscription(settings, client, stream, consumer, shardId, cursor, buffer, context,
                metrics, statusChanged);
    }

    /** Shards listed at start begin at the starting position; later shards (children) at their first record. */
    private IteratorStart startOf(String shardId) {
        StartingPosition position = settings.startingPosition();
        if (position == StartingPosition.AT_TIMESTAMP) {
            return IteratorStart.atTimestamp(settings.startingTimestamp());
        }
        if (position == StartingPosition.LATEST && lineage.initial(shardId)) {
            return IteratorStart.latest();
        }
        return IteratorStart.trimHorizon();
    }
}
