package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Duration;
import java.util.function.Consumer;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The reading of one stream of an incoming channel: its checkpoint store (one per stream, created with the stream's
 * name) and the {@link ShardSupervisor} of its shards, with settings naming that stream. A channel of one stream has
 * one; a channel with {@code streams} one per listed stream, all on the channel's context, their readers merged into
 * the channel's messages.
 */
final class StreamReading {

    private final IncomingSettings settings;
    private final CheckpointStore store;
    private final ShardSupervisor supervisor;

    StreamReading(IncomingSettings channelSettings, String stream, KinesisConnectorIncomingConfiguration conf,
            CheckpointStore.Factory stores, KinesisAsyncClient client, String region, ChannelContext context,
            ChannelStatus status, Consumer<Multi<Received>> readerSink, Consumer<Throwable> fatal,
            KinesisMetrics metrics) {
        this.settings = channelSettings.forStream(stream);
        StreamRef ref = new StreamRef(stream);
        this.store = stores.create(conf, stream, new CheckpointStore.OwnershipListener() {
            @Override
            public void shardLost(String shardId) {
                ShardSupervisor current = supervisor;
                if (current != null) {
                    current.shardLost(shardId);
                }
            }

            @Override
            public void shardAvailable(String shardId) {
                ShardSupervisor current = supervisor;
                if (current != null) {
                    current.shardAvailable(shardId);
                }
            }

            @Override
            public void shardHandOff(String shardId, Duration drainTimeout) {
                ShardSupervisor current = supervisor;
                if (current != null) {
                    current.shardHandOff(shardId, drainTimeout);
                }
            }
        });
        this.supervisor = new ShardSupervisor(settings, client, ref,
                new StreamShards(settings, client, ref, region, context, status::changed), context,
                new Checkpointer(settings.channel(), stream, store, context, metrics), readerSink, fatal, metrics,
                status);
    }

    String stream() {
        return settings.stream();
    }

    CheckpointStore store() {
        return store;
    }

    ShardSupervisor supervisor() {
        return supervisor;
    }
}
