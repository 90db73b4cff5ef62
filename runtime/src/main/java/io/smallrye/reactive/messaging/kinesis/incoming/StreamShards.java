package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The stream-level calls of an incoming channel: whether the stream can be read (DescribeStreamSummary) and its shards
 * (ListShards, every page).
 * <p>
 * At start, a stream that does not exist or is being deleted fails the channel at once: waiting would only hide a
 * wrong name or region. A stream being created is waited for, up to {@link #CREATING_WAIT}, checking every
 * {@link #CREATING_POLL}; ACTIVE and UPDATING (resharding) streams can be read. Throttling and transient failures
 * of these calls are retried with backoff, up to {@link #STARTUP_ATTEMPTS} attempts.
 */
final class StreamShards {

    static final Duration CREATING_WAIT = Duration.ofMinutes(2);
    static final Duration CREATING_POLL = Duration.ofSeconds(1);
    static final int STARTUP_ATTEMPTS = 10;

    private final String channel;
    private final KinesisAsyncClient client;
    private final StreamRef stream;
    private final String region;
    private final ChannelContext context;
    private final Backoff backoff;

    StreamShards(IncomingSettings settings, KinesisAsyncClient client, StreamRef stream, String region,
            ChannelContext context) {
        this.channel = settings.channel();
        this.client = client;
        this.stream = stream;
        this.region = region;
        this.context = context;
        this.backoff = new Backoff(settings.retryBackoff(), settings.maxRetryBackoff());
    }

    String region() {
        return region;
    }

    /**
     * Completes (on the channel context) when the stream can be read; fails with an error naming stream and region
     * when it cannot.
     *
     * @param waiting told the status while the stream is not ACTIVE yet
     */
    CompletionStage<Void> awaitReadable(Consumer<String> waiting) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        describe(result, waiting, System.nanoTime() + CREATING_WAIT.toNanos(), 1);
        return result;
    }

    private void describe(CompletableFuture<Void> result, Consumer<String> waiting, long deadline, int attempt) {
        client.describeStreamSummary(request -> request.streamName(stream.name()).streamARN(stream.arn()))
                .whenComplete((response, failure) -> context.execute(() -> {
                    if (failure != null) {
                        if (retryable(failure) && attempt < STARTUP_ATTEMPTS) {
                            context.setTimer(backoff.millis(attempt),
                                    () -> describe(result, waiting, deadline, attempt + 1));
                        } else {
                            result.completeExceptionally(failure(failure));
                        }
                        return;
                    }
                    onStatus(status(response), result, waiting, deadline);
                }));
    }

    private static StreamStatus status(DescribeStreamSummaryResponse response) {
        return response.streamDescriptionSummary().streamStatus();
    }

    private void onStatus(StreamStatus status, CompletableFuture<Void> result, Consumer<String> waiting,
            long deadline) {
        if (status == StreamStatus.ACTIVE || status == StreamStatus.UPDATING) {
            result.complete(null);
        } else if (status != StreamStatus.CREATING) {
            result.completeExceptionally(KinesisIncomingExceptions.ex.streamNotReadable(stream.value(), region,
                    String.valueOf(status), channel));
        } else if (System.nanoTime() > deadline) {
            result.completeExceptionally(KinesisIncomingExceptions.ex.streamNotActiveInTime(stream.value(), region,
                    status.toString(), CREATING_WAIT.toSeconds(), channel));
        } else {
            KinesisIncomingLogging.log.waitingForStream(channel, stream.value(), region, status.toString());
            waiting.accept(status.toString());
            context.setTimer(CREATING_POLL.toMillis(), () -> describe(result, waiting, deadline, 1));
        }
    }

    /** Every shard of the stream, open and closed, following NextToken; completes on the channel context. */
    CompletionStage<List<Shard>> list() {
        CompletableFuture<List<Shard>> result = new CompletableFuture<>();
        page(ListShardsRequest.builder().streamName(stream.name()).streamARN(stream.arn()).build(), new ArrayList<>(),
                result);
        return result;
    }

    private void page(ListShardsRequest request, List<Shard> into, CompletableFuture<List<Shard>> result) {
        client.listShards(request).whenComplete((response, failure) -> context.execute(() -> {
            if (failure != null) {
                result.completeExceptionally(failure);
                return;
            }
            into.addAll(response.shards());
            if (response.nextToken() == null) {
                result.complete(into);
            } else {
                // with a NextToken, the stream must not be named again
                page(ListShardsRequest.builder().nextToken(response.nextToken()).build(), into, result);
            }
        }));
    }

    static boolean retryable(Throwable failure) {
        ReadFailures.Kind kind = ReadFailures.classify(failure);
        return kind == ReadFailures.Kind.THROTTLED || kind == ReadFailures.Kind.TRANSIENT;
    }

    /** A failure of a stream-level call as the channel reports it: naming stream and region. */
    Throwable failure(Throwable failure) {
        Throwable cause = ReadFailures.unwrap(failure);
        if (cause instanceof ResourceNotFoundException) {
            return KinesisExceptions.ex.streamNotFound(stream.value(), region, ReadFailures.errorMessage(cause));
        }
        return KinesisIncomingExceptions.ex.listShardsFailed(channel, stream.value(), region,
                ReadFailures.errorCode(cause) + ": " + ReadFailures.errorMessage(cause), cause);
    }
}
