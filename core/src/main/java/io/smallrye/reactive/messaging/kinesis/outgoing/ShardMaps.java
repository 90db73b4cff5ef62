package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.smallrye.reactive.messaging.kinesis.aggregation.ShardMap;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.Backoff;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;

/**
 * The shard maps of the streams a channel aggregates for, loaded with ListShards in the background as soon as a
 * stream's first record is accepted. Until a stream's map is known, its records go unaggregated; a map is reloaded
 * when a record lands on another shard than predicted (resharding). Never blocks. Used on the channel's context
 * only: ListShards answers hop onto it (at once when the client answers on it) before they touch the maps.
 */
final class ShardMaps {

    /**
     * Between ListShards attempts after failures: the shared back-off, 1 s doubling up to 1 min. Every failure is
     * retried (the one retry layer of this call: the client makes one attempt per call).
     */
    private static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

    private final KinesisAsyncClient client;
    private final String channel;
    private final ChannelContext context;
    private final Map<String, State> states = new HashMap<>();
    private final Runnable onFirstMap;

    /** @param onFirstMap run on the context when a stream's first map is loaded (records may wait for it) */
    ShardMaps(KinesisAsyncClient client, String channel, ChannelContext context, Runnable onFirstMap) {
        this.client = client;
        this.channel = channel;
        this.context = context;
        this.onFirstMap = onFirstMap;
    }

    private static final class State {
        ShardMap map;
        boolean loading;
        boolean stale = true;
        long notBeforeNanos = System.nanoTime();
        boolean failing;
        int failures;
    }

    /**
     * Whether the stream is new to this channel: {@code true} once per stream, the first time, so that its caller can
     * start loading the stream's map with {@link #current}. Cheap enough for every record.
     */
    boolean firstSight(String stream) {
        if (states.containsKey(stream)) {
            return false;
        }
        states.put(stream, new State());
        return true;
    }

    /** The stream's shard map if known (starting a load if needed), otherwise an empty map. */
    ShardMap current(String stream) {
        State state = states.computeIfAbsent(stream, s -> new State());
        if (state.stale && !state.loading && System.nanoTime() - state.notBeforeNanos >= 0) {
            load(stream, state);
        }
        ShardMap map = state.map;
        return map == null ? ShardMap.empty() : map;
    }

    /** Whether the first map of a stream is being loaded (its records would go unaggregated now). */
    boolean firstMapLoading() {
        for (State state : states.values()) {
            if (state.map == null && state.loading) {
                return true;
            }
        }
        return false;
    }

    /** The stream's shards changed: reload its map (the old one is used meanwhile). */
    void invalidate(String stream) {
        State state = states.get(stream);
        if (state != null) {
            state.stale = true;
        }
    }

    private void load(String stream, State state) {
        state.loading = true;
        state.stale = false;
        List<ListShardsResponse> pages = new ArrayList<>();
        StreamRef ref = new StreamRef(stream);
        ListShardsRequest.Builder first = ListShardsRequest.builder().streamName(ref.name()).streamARN(ref.arn());
        page(first.build(), pages).whenComplete((ignored, failure) -> context.execute(() -> loaded(stream, state,
                pages, failure)));
    }

    private void loaded(String stream, State state, List<ListShardsResponse> pages, Throwable failure) {
        state.loading = false;
        if (failure == null) {
            boolean first = state.map == null;
            state.map = ShardMap.fromListShards(pages);
            state.failing = false;
            state.failures = 0;
            if (first) {
                // a later task: the load may end inside a batch being built (an answer already there), which must
                // not see new records arrive while it walks the waiting ones
                context.submit(onFirstMap);
            }
            return;
        }
        state.stale = true;
        state.failures++;
        state.notBeforeNanos = System.nanoTime() + RETRY.nanos(state.failures);
        String reason = AwsErrors.summary(failure);
        if (state.failing) {
            KinesisLogging.log.shardMapStillUnavailable(channel, stream, reason);
        } else {
            // once per outage: an application without ListShards permission must hear why nothing is aggregated
            KinesisLogging.log.shardMapUnavailable(channel, stream, reason);
            state.failing = true;
        }
    }

    private CompletableFuture<Void> page(ListShardsRequest request, List<ListShardsResponse> pages) {
        CompletableFuture<ListShardsResponse> response;
        try {
            response = client.listShards(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return response.thenCompose(page -> {
            pages.add(page);
            if (page.nextToken() == null) {
                return CompletableFuture.completedFuture(null);
            }
            return page(ListShardsRequest.builder().nextToken(page.nextToken()).build(), pages);
        });
    }
}
