package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.smallrye.reactive.messaging.kinesis.checkpoint.StreamInfo;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.Backoff;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The stream-level calls of an incoming channel: whether the stream can be read (DescribeStreamSummary) and its shards
 * (ListShards, every page).
 * <p>
 * At start, the channel waits for its stream without limit: a stream that is CREATING, DELETING or missing is checked
 * again every {@link #STATUS_POLL}; a failed call that can heal (throttling, network trouble, server errors, not found:
 * {@link AwsErrors#classify(Throwable)}) is tried again after a backoff (retry-backoff doubling up to
 * max-retry-backoff, with jitter). Meanwhile {@link #problem()} says why for readiness. Only a failure retrying cannot
 * fix (access denied, invalid argument, ...) fails the channel. ACTIVE and UPDATING (resharding) streams can be read.
 * Runs on the channel context; health reads its problem through the channel's {@link ChannelStatus}, told of each
 * change.
 */
final class StreamShards {

    static final Duration STATUS_POLL = Duration.ofSeconds(1);
    static final String DESCRIBE = "DescribeStreamSummary";
    static final String LIST = "ListShards";

    private final String channel;
    private final KinesisAsyncClient client;
    private final StreamRef stream;
    private final String region;
    private final ChannelContext context;
    private final Backoff backoff;
    private final CallFailures failures;
    private final Runnable statusChanged;
    private String problem;
    private StreamStatus lastStatus;
    private String streamArn;
    private Instant createdAt;
    private Instant waitingSince;
    private boolean stopped;
    /** Whether awaitReadable had to wait (a status other than ACTIVE/UPDATING, or a failed call). */
    private boolean waited;
    private long timer = -1;

    /** @param statusChanged runs when {@link #problem()} changed */
    StreamShards(IncomingSettings settings, KinesisAsyncClient client, StreamRef stream, String region,
            ChannelContext context, Runnable statusChanged) {
        this.channel = settings.channel();
        this.client = client;
        this.stream = stream;
        this.region = region;
        this.context = context;
        this.backoff = new Backoff(settings.retryBackoff(), settings.maxRetryBackoff());
        this.failures = new CallFailures(channel);
        this.statusChanged = statusChanged;
    }

    String region() {
        return region;
    }

    /** Why the stream cannot be read yet (for readiness); null when it can, or before the first answer. */
    String problem() {
        return problem;
    }

    /** The stream's ARN: as configured, else as DescribeStreamSummary answered; null before the answer. */
    String streamArn() {
        return stream.isArn() ? stream.arn() : streamArn;
    }

    /** What DescribeStreamSummary said of the stream (ARN, creation time); complete once it is readable. */
    StreamInfo info() {
        return new StreamInfo(stream.value(), streamArn(), createdAt);
    }

    String streamValue() {
        return stream.value();
    }

    /**
     * Whether the first DescribeStreamSummary of {@link #awaitReadable()} found the stream readable: no waiting, no
     * failed call. A listing made at the same time is then as fresh as that answer.
     */
    boolean readableAtFirstAnswer() {
        return !waited;
    }

    /** Stops waiting for the stream (the channel stops). */
    void stop() {
        stopped = true;
        if (timer != -1) {
            context.cancelTimer(timer);
            timer = -1;
        }
    }

    /**
     * Completes (on the channel context) when the stream can be read; fails only with a failure retrying cannot fix,
     * naming stream and region. Never completes if stopped first.
     */
    CompletionStage<Void> awaitReadable() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        describe(result, 1);
        return result;
    }

    private void describe(CompletableFuture<Void> result, int attempt) {
        if (stopped) {
            return;
        }
        summary().whenComplete((summary, failure) -> {
            if (stopped) {
                return;
            }
            if (failure != null) {
                if (!retry(DESCRIBE, failure, attempt, () -> describe(result, attempt + 1))) {
                    result.completeExceptionally(permanentFailure(DESCRIBE, failure));
                }
                return;
            }
            failures.succeeded(DESCRIBE, target());
            streamArn = summary.streamARN();
            createdAt = summary.streamCreationTimestamp();
            onStatus(summary.streamStatus(), result);
        });
    }

    /** One DescribeStreamSummary, as it answered (not retried), completing on the channel context. */
    CompletionStage<StreamDescriptionSummary> summary() {
        CompletableFuture<StreamDescriptionSummary> result = new CompletableFuture<>();
        client.describeStreamSummary(request -> request.streamName(stream.name()).streamARN(stream.arn()))
                .whenComplete((response, failure) -> context.execute(() -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        result.complete(response.streamDescriptionSummary());
                    }
                }));
        return result;
    }

    private void onStatus(StreamStatus status, CompletableFuture<Void> result) {
        if (status == StreamStatus.ACTIVE || status == StreamStatus.UPDATING) {
            setProblem(null);
            waitingSince = null;
            result.complete(null);
            return;
        }
        // CREATING, DELETING (it may be recreated), or a status this SDK does not know: wait for ACTIVE
        waited = true;
        if (status != lastStatus) {
            KinesisIncomingLogging.log.waitingForStream(channel, stream.value(), region, String.valueOf(status));
            lastStatus = status;
        }
        if (waitingSince == null) {
            waitingSince = Instant.now();
        }
        setProblem("stream '" + stream.value() + "' (region " + region + ") is " + status + ", not ACTIVE yet (since "
                + waitingSince + "); waiting for it");
        later(STATUS_POLL.toMillis(), () -> describe(result, 1));
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

    /**
     * A stream-level call failed: when retrying can heal it, logs it (rate-limited), says why for readiness and runs
     * {@code again} after a backoff. Returns false for a failure retrying cannot fix.
     *
     * @param attempt the failures in a row, this one included
     */
    boolean retry(String operation, Throwable failure, int attempt, Runnable again) {
        if (!AwsErrors.classify(failure).retryable()) {
            return false;
        }
        long delay = backoff.millis(attempt);
        waited = true;
        failed(operation, failure, delay);
        later(delay, again);
        return true;
    }

    /** Logs a failed stream-level call that will be tried again in {@code delayMs}, and says why for readiness. */
    void failed(String operation, Throwable failure, long delayMs) {
        failures.failed(operation, target(), failure, summary -> KinesisIncomingLogging.log
                .streamCallFailedRetrying(channel, operation, stream.value(), region, summary, delayMs));
        setProblem(operation + " of stream '" + stream.value() + "' (region " + region + ") fails since "
                + failures.failingSince(operation, target()) + ": " + AwsErrors.summary(failure) + "; retrying"
                + (AwsErrors.classify(failure) == FailureKind.NOT_FOUND ? " until the stream exists" : ""));
    }

    /** A stream-level call worked again. */
    void succeeded(String operation) {
        failures.succeeded(operation, target());
        setProblem(null);
    }

    private void setProblem(String now) {
        if (!Objects.equals(problem, now)) {
            problem = now;
            statusChanged.run();
        }
    }

    private String target() {
        return "of stream '" + stream.value() + "'";
    }

    /** Runs {@code action} on the context after a delay, unless stopped meanwhile. */
    void later(long delayMillis, Runnable action) {
        if (stopped) {
            return;
        }
        timer = context.setTimer(delayMillis, () -> {
            timer = -1;
            action.run();
        });
    }

    /** A failure retrying cannot fix, as the channel reports it: naming stream, region and the call. */
    Throwable permanentFailure(String operation, Throwable failure) {
        Throwable cause = AwsErrors.unwrap(failure);
        return KinesisIncomingExceptions.ex.streamCallFailed(channel, stream.value(), region, operation,
                AwsErrors.summary(cause), cause);
    }
}
