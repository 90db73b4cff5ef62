package io.quarkiverse.messaging.kinesis.runtime.devui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.spi.Connector;

import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.ConsumerShardView;
import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.ConsumerView;
import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.PeekView;
import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.PublishView;
import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.StreamView;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynamoDbCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingExceptions;
import io.smallrye.reactive.messaging.kinesis.incoming.KinesisInboundChannel;
import io.smallrye.reactive.messaging.kinesis.inspect.ChannelSnapshot;
import io.smallrye.reactive.messaging.kinesis.inspect.ChannelStream;
import io.smallrye.reactive.messaging.kinesis.inspect.LeaseItem;
import io.smallrye.reactive.messaging.kinesis.inspect.ShardSnapshot;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The JSON-RPC service of the extension's Dev UI card (dev mode only): the Streams, Consumers and Records pages call
 * it. Every method returns a {@link Uni} and never blocks: AWS calls go through the channels' own async clients, and a
 * channel's state is read on its own context ({@link KinesisInboundChannel#snapshot()}). Failures come back as a view
 * with a one-line {@code error}.
 */
public class KinesisDevUiService {

    /** The previous look at each shard's reader, by channel and shard, for the rates of the Consumers page. */
    private final Map<String, Sample> samples = new ConcurrentHashMap<>();

    @Inject
    @Connector(KinesisConnector.CONNECTOR_NAME)
    KinesisConnector connector;

    /** Every stream used by a channel, incoming or outgoing, with its shards. */
    public Uni<List<StreamView>> streams() {
        Map<String, List<String>> channelsByStream = new LinkedHashMap<>();
        Map<String, KinesisAsyncClient> clients = new LinkedHashMap<>();
        for (ChannelStream used : connector.channelStreams()) {
            channelsByStream.computeIfAbsent(used.stream(), ignored -> new ArrayList<>())
                    .add(used.channel() + (used.incoming() ? " (incoming)" : " (outgoing)"));
            clients.putIfAbsent(used.stream(), used.client());
        }
        if (clients.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<StreamView>> views = new ArrayList<>();
        clients.forEach((stream, client) -> views
                .add(StreamDescriber.describe(client, stream, List.copyOf(channelsByStream.get(stream)))));
        return Uni.join().all(views).andFailFast();
    }

    /** Every incoming channel: its readers' state, positions and rates; with a lease table, its items. */
    public Uni<List<ConsumerView>> consumers() {
        List<KinesisInboundChannel> channels = connector.incomingChannels();
        if (channels.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<ConsumerView>> views = new ArrayList<>();
        for (KinesisInboundChannel channel : channels) {
            views.add(consumer(channel));
        }
        return Uni.join().all(views).andFailFast();
    }

    private Uni<ConsumerView> consumer(KinesisInboundChannel channel) {
        Uni<ConsumerView> view = channel.snapshot().map(this::view);
        List<DynamoDbCheckpointStore> tables = channel.checkpointStores().stream()
                .filter(DynamoDbCheckpointStore.class::isInstance).map(DynamoDbCheckpointStore.class::cast).toList();
        if (!tables.isEmpty()) {
            // one store per stream of the channel, all in its one table: each shows the leases of its stream
            Uni<List<LeaseItem>> leaseItems = Uni.join().all(tables.stream().map(DynamoDbCheckpointStore::leaseItems)
                    .toList()).andFailFast()
                    .map(lists -> lists.stream().flatMap(List::stream).toList());
            view = view.chain(withoutLeases -> leaseItems
                    .map(items -> new ConsumerView(withoutLeases.channel(), withoutLeases.stream(),
                            withoutLeases.state(), withoutLeases.problem(), withoutLeases.shards(), items, null, null))
                    .onFailure().recoverWithItem(failure -> new ConsumerView(withoutLeases.channel(),
                            withoutLeases.stream(), withoutLeases.state(), withoutLeases.problem(),
                            withoutLeases.shards(), null, AwsErrors.summary(failure), null)));
        }
        return view.onFailure().recoverWithItem(failure -> new ConsumerView(channel.channel(), channel.stream(), null,
                null, List.of(), null, null, AwsErrors.summary(failure)));
    }

    private ConsumerView view(ChannelSnapshot snapshot) {
        long now = System.nanoTime();
        List<ConsumerShardView> shards = new ArrayList<>(snapshot.shards().size());
        for (ShardSnapshot shard : snapshot.shards()) {
            Sample current = new Sample(now, shard.fetchedRecords(), shard.getRecordsCalls());
            Sample previous = samples.put(snapshot.channel() + "/" + shard.stream() + "/" + shard.shardId(), current);
            double seconds = previous == null ? 0 : (now - previous.nanos()) / 1e9;
            boolean rated = previous != null && seconds > 0 && current.records() >= previous.records();
            shards.add(new ConsumerShardView(shard.shardId(), shard.state(), shard.lastFetched(), shard.completed(),
                    shard.millisBehindLatest(), shard.fetchedRecords(), shard.pendingRecords(),
                    rated ? (current.records() - previous.records()) / seconds : null,
                    rated ? (current.calls() - previous.calls()) / seconds : null, shard.problem(), shard.stream()));
        }
        return new ConsumerView(snapshot.channel(), snapshot.stream(), snapshot.state(), snapshot.problem(), shards,
                null, null, null);
    }

    /**
     * The latest {@code count} user records of a shard (1 to {@value RecordPeek#MAX_COUNT}), read with the client of a
     * channel using the stream.
     */
    public Uni<PeekView> peek(String stream, String shardId, int count) {
        try {
            if (count < 1 || count > RecordPeek.MAX_COUNT) {
                throw KinesisIncomingExceptions.ex.invalidToolInput("count", String.valueOf(count),
                        "from 1 to " + RecordPeek.MAX_COUNT);
            }
            if (shardId == null || shardId.isBlank()) {
                throw KinesisIncomingExceptions.ex.invalidToolInput("shard", String.valueOf(shardId),
                        "a shard id of the stream");
            }
            return RecordPeek.peek(clientFor(stream), stream, shardId, count);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(new PeekView(stream, shardId, null, 0, false, List.of(), e.getMessage()));
        }
    }

    /** Writes a record (PutRecord) with the client of a channel using the stream, to try a consumer. */
    public Uni<PublishView> publish(String stream, String partitionKey, String body) {
        KinesisAsyncClient client;
        try {
            if (partitionKey == null || partitionKey.isEmpty() || partitionKey.length() > 256) {
                throw KinesisIncomingExceptions.ex.invalidToolInput("partition key", String.valueOf(partitionKey),
                        "1 to 256 characters");
            }
            client = clientFor(stream);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(new PublishView(stream, null, null, e.getMessage()));
        }
        StreamRef ref = new StreamRef(stream);
        return Uni.createFrom()
                .completionStage(() -> client.putRecord(r -> r.streamName(ref.name()).streamARN(ref.arn())
                        .partitionKey(partitionKey).data(SdkBytes.fromUtf8String(body == null ? "" : body))))
                .map(answer -> new PublishView(stream, answer.shardId(), answer.sequenceNumber(), null))
                .onFailure().recoverWithItem(failure -> new PublishView(stream, null, null, AwsErrors.summary(failure)));
    }

    /** The client of a channel using the stream: an outgoing channel's first (it writes there), else any. */
    private KinesisAsyncClient clientFor(String stream) {
        List<ChannelStream> used = connector.channelStreams();
        return used.stream().filter(channel -> channel.stream().equals(stream))
                .sorted((a, b) -> Boolean.compare(a.incoming(), b.incoming()))
                .map(ChannelStream::client)
                .findFirst()
                .orElseThrow(() -> KinesisIncomingExceptions.ex.noChannelUsesStream(stream,
                        String.join(", ", used.stream().map(ChannelStream::stream).distinct().toList())));
    }

    private record Sample(long nanos, long records, long calls) {
    }
}
