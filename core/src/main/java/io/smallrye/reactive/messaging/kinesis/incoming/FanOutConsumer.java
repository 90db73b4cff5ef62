package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisFanOutExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisFanOutLogging;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;

/**
 * The registered stream consumer of a fan-out channel. At start, once the stream is readable: the consumer named
 * {@code consumer-name} is described (DescribeStreamConsumer), registered if absent (RegisterStreamConsumer; a
 * ResourceInUseException there means another node registered it meanwhile), and waited for until ACTIVE; a
 * {@code consumer-arn} is only waited for. Failures that can heal (throttling, LimitExceededException, network
 * trouble) are retried after the channel's backoff and shown by readiness, through {@link StreamShards}; access denied
 * fails the channel naming the action, the consumer and the stream. The consumer is deregistered only with
 * {@code consumer-deregister-on-stop}. A consumer deleted while the channel runs is handled by {@link ConsumerRecovery}.
 * Channel context only.
 */
final class FanOutConsumer {

    static final String DESCRIBE = "DescribeStreamConsumer";
    static final String REGISTER = "RegisterStreamConsumer";
    static final String DEREGISTER = "DeregisterStreamConsumer";

    private final String channel;
    private final FanOutSettings settings;
    private final KinesisAsyncClient client;
    private final StreamShards shards;
    private final ChannelContext context;
    private final ConsumerRecovery recovery;
    private String arn;
    /** Whether RegisterStreamConsumer answered that the stream does not exist, since {@link #registerAgain()}. */
    private boolean streamMissingSeen;

    /** @param statusChanged runs when {@link #problem()} changed */
    FanOutConsumer(IncomingSettings settings, KinesisAsyncClient client, StreamShards shards, ChannelContext context,
            Runnable statusChanged) {
        this.channel = settings.channel();
        this.settings = settings.fanOut();
        this.client = client;
        this.shards = shards;
        this.context = context;
        this.recovery = new ConsumerRecovery(this, settings.channel(), context, statusChanged,
                new StreamStillThere(settings.channel(), shards));
    }

    /** The consumer's ARN, once {@link #awaitActive()} completed (a new one once registered again). */
    String arn() {
        return arn;
    }

    FanOutSettings settings() {
        return settings;
    }

    String streamValue() {
        return shards.streamValue();
    }

    KinesisAsyncClient client() {
        return client;
    }

    /** Why the consumer cannot be used now (deleted, being registered again), for readiness; null when all is well. */
    String problem() {
        return recovery.problem();
    }

    /**
     * A subscription to the shard with {@code usedArn}, sent when {@link #turns()} was {@code turnsWhenSent}, answered
     * "not found": checks the consumer (one check for all shards), registers it again if the channel registered it,
     * and checks the stream and the shard when the consumer is ACTIVE; see {@link ConsumerRecovery}.
     */
    CompletionStage<ConsumerRecovery.Outcome> notFound(String usedArn, long turnsWhenSent, String shardId,
            Throwable failure) {
        return recovery.notFound(usedArn, turnsWhenSent, shardId, failure);
    }

    /** How many times the consumer of consumer-arn was reported missing or back; noted by each subscription sent. */
    long turns() {
        return recovery.turns();
    }

    /** A subscription received an event: the consumer works. */
    void worked() {
        recovery.worked();
    }

    /**
     * Registers the consumer again (it was deleted), and waits until it is ACTIVE; completes with whether the stream
     * was found missing meanwhile (deleted, then recreated: the shards' positions are gone).
     */
    CompletionStage<Boolean> registerAgain() {
        streamMissingSeen = false;
        CompletableFuture<Void> active = new CompletableFuture<>();
        register(active, 1);
        return active.thenApply(ignored -> streamMissingSeen);
    }

    /**
     * Completes on the channel context when the consumer is ACTIVE; fails only with a failure retrying cannot fix.
     * Call once the stream is readable (its ARN known).
     */
    CompletionStage<Void> awaitActive() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        String streamArn = shards.streamArn();
        if (settings.consumerArn() != null && streamArn != null
                && !settings.consumerArn().startsWith(streamArn + "/consumer/")) {
            result.completeExceptionally(KinesisFanOutExceptions.ex.consumerOfOtherStream(channel,
                    settings.consumerArn(), settings.consumerArn().substring(0, settings.consumerArn().indexOf("/consumer/")),
                    shards.streamValue()));
            return result;
        }
        describe(result, 1);
        return result;
    }

    private void describe(CompletableFuture<Void> result, int attempt) {
        client.describeStreamConsumer(request -> {
            if (settings.consumerArn() != null) {
                request.consumerARN(settings.consumerArn());
            } else {
                request.streamARN(shards.streamArn()).consumerName(settings.consumerName());
            }
        }).whenComplete((response, failure) -> context.execute(() -> {
            if (failure != null) {
                if (AwsErrors.classify(failure) == FailureKind.NOT_FOUND
                        && settings.consumerArn() == null) {
                    shards.succeeded(DESCRIBE);
                    register(result, 1);
                } else {
                    retryOrFail(DESCRIBE, failure, attempt, result, () -> describe(result, attempt + 1));
                }
                return;
            }
            shards.succeeded(DESCRIBE);
            onDescription(response.consumerDescription(), result);
        }));
    }

    private void onDescription(ConsumerDescription description, CompletableFuture<Void> result) {
        if (description.consumerStatus() == ConsumerStatus.ACTIVE) {
            arn = description.consumerARN();
            KinesisFanOutLogging.log.consumerActive(channel, shards.streamValue(), arn);
            result.complete(null);
            return;
        }
        // CREATING (registered a moment ago), or DELETING (then absent, and registered again)
        KinesisFanOutLogging.log.waitingForConsumer(channel, settings.consumer(), shards.streamValue(),
                String.valueOf(description.consumerStatus()));
        shards.later(StreamShards.STATUS_POLL.toMillis(), () -> describe(result, 1));
    }

    private void register(CompletableFuture<Void> result, int attempt) {
        KinesisFanOutLogging.log.registeringConsumer(channel, settings.consumerName(), shards.streamValue());
        client.registerStreamConsumer(request -> request.streamARN(shards.streamArn())
                .consumerName(settings.consumerName()))
                .whenComplete((response, failure) -> context.execute(() -> {
                    if (failure != null) {
                        if (AwsErrors.classify(failure) == FailureKind.NOT_FOUND) {
                            streamMissingSeen = true; // the stream is deleted (it may come back)
                        }
                        if ("ResourceInUseException".equals(AwsErrors.errorCode(failure))) {
                            // registered meanwhile (another node), or still being deleted: describe it
                            shards.succeeded(REGISTER);
                            shards.later(StreamShards.STATUS_POLL.toMillis(), () -> describe(result, 1));
                        } else {
                            retryOrFail(REGISTER, failure, attempt, result, () -> register(result, attempt + 1));
                        }
                        return;
                    }
                    shards.succeeded(REGISTER);
                    onDescription(ConsumerDescription.builder().consumerARN(response.consumer().consumerARN())
                            .consumerStatus(response.consumer().consumerStatus()).build(), result);
                }));
    }

    private void retryOrFail(String action, Throwable failure, int attempt, CompletableFuture<Void> result,
            Runnable again) {
        KinesisFanOutLogging.log.consumerCallFailedDetail(channel, AwsErrors.unwrap(failure));
        if (!shards.retry(action, failure, attempt, again)) {
            result.completeExceptionally(permanentFailure(action, failure));
        }
    }

    /** A failure retrying cannot fix, naming the action, the consumer and the stream (and what to allow if denied). */
    Throwable permanentFailure(String action, Throwable failure) {
        Throwable cause = AwsErrors.unwrap(failure);
        if (accessDenied(cause)) {
            return KinesisFanOutExceptions.ex.fanOutAccessDenied(channel, action, settings.consumer(),
                    shards.streamValue(), AwsErrors.summary(cause), action,
                    action.equals(REGISTER) ? "the stream" : "the stream consumer (" + settings.consumer() + ")", cause);
        }
        return KinesisFanOutExceptions.ex.consumerCallFailed(channel, action, settings.consumer(),
                shards.streamValue(), AwsErrors.summary(cause), cause);
    }

    static boolean accessDenied(Throwable failure) {
        String code = AwsErrors.errorCode(failure);
        return "AccessDeniedException".equals(code) || "AccessDenied".equals(code);
    }

    /** With consumer-deregister-on-stop: deregisters the consumer; completes (never fails) when Kinesis answered. */
    CompletionStage<Void> deregisterIfAsked() {
        if (!settings.deregisterOnStop() || arn == null) {
            return CompletableFuture.completedFuture(null);
        }
        String consumerArn = arn;
        return client.deregisterStreamConsumer(request -> request.consumerARN(consumerArn))
                .handle((response, failure) -> {
                    if (failure == null) {
                        KinesisFanOutLogging.log.consumerDeregistered(channel, consumerArn);
                    } else {
                        KinesisFanOutLogging.log.consumerNotDeregistered(channel, consumerArn, AwsErrors.summary(failure));
                    }
                    return null;
                });
    }
}
