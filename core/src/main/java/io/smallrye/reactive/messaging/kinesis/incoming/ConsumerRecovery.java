package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisFanOutLogging;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;

/**
 * What a SubscribeToShard answered "not found" means, found out once for all the shards of a fan-out channel: the
 * consumer is described by its ARN (DescribeStreamConsumer).
 * <ul>
 * <li>ACTIVE, and the consumer of {@code consumer-arn} was found missing while the refused subscription was out
 * (reported missing when it was sent, or found missing since, even if found back since by another shard's check or
 * event): it was what refused the subscription, it came back before the check, and the shard resubscribes where it
 * was ({@link Outcome#CONSUMER_BACK}).</li>
 * <li>ACTIVE otherwise (both modes): the consumer's history cannot tell (it may have been deleted and back before the
 * check without the channel seeing it missing, or Kinesis may still refuse for a moment after it came back), so the
 * stream and the shard are checked ({@link StreamStillThere}) before the position is given up. The stream gone or
 * recreated, or the shard no longer listed: the stream or the shard is what is missing
 * ({@link Outcome#STREAM_OR_SHARD}), and the shard does what polling does then. Both still there: the shard
 * resubscribes where it was after the backoff ({@link Outcome#SHARD_STILL_THERE}). The check failing: retried
 * ({@link Outcome#UNKNOWN}).</li>
 * <li>Gone (not found, or DELETING), registered by the channel (no {@code consumer-arn}): registered again, once for
 * all the shards (RegisterStreamConsumer, then ACTIVE); the shards resubscribe from where they were
 * ({@link Outcome#CONSUMER_REPLACED}), or, when the stream was found missing meanwhile (deleted with its consumers,
 * then recreated), follow the lost-position-strategy ({@link Outcome#STREAM_REPLACED}).</li>
 * <li>Gone, with {@code consumer-arn}: never registered (another ARN would not be the one configured); one ERROR line
 * naming the consumer ARN and the stream, readiness DOWN with the reason, the shards retry with backoff
 * ({@link Outcome#CONSUMER_MISSING}) until the consumer answers again.</li>
 * </ul>
 * Checks asked for while one is under way share its DescribeStreamConsumer answer; what an ACTIVE answer means is
 * decided for each refused subscription. Channel context only.
 */
final class ConsumerRecovery {

    /** What a "not found" answer of SubscribeToShard means for the shard. */
    enum Outcome {
        /** The consumer is ACTIVE: the stream or the shard does not exist (checked: {@link StreamStillThere}). */
        STREAM_OR_SHARD,
        /**
         * The consumer is ACTIVE, the stream is the same and lists the shard: a passing refusal, retried from the last
         * position after the backoff.
         */
        SHARD_STILL_THERE,
        /** The consumer was deleted and registered again: resubscribe from the last position. */
        CONSUMER_REPLACED,
        /** The consumer of {@code consumer-arn}, found missing before, is ACTIVE again: resubscribe from the last position. */
        CONSUMER_BACK,
        /** The stream was deleted (with the consumer) and is back, with the consumer registered again. */
        STREAM_REPLACED,
        /** The consumer of {@code consumer-arn} does not exist: retry with backoff. */
        CONSUMER_MISSING,
        /** The consumer could not be checked (throttled, network): retry with backoff. */
        UNKNOWN
    }

    private final FanOutConsumer consumer;
    private final String channel;
    private final ChannelContext context;
    private final Runnable statusChanged;
    private final StreamStillThere stillThere;
    private CompletableFuture<Outcome> checking;
    /** How the last registration after a deletion ended, for the shards that failed with the ARN before it. */
    private Outcome replacedBy = Outcome.CONSUMER_REPLACED;
    private String problem;
    /**
     * How many times the consumer of {@code consumer-arn} was reported missing or back: odd while it is reported
     * missing. A subscription notes it when sent ({@link #turns()}), so that its refusal, checked later, tells whether
     * the consumer was missing while it was out.
     */
    private long turns;

    ConsumerRecovery(FanOutConsumer consumer, String channel, ChannelContext context, Runnable statusChanged,
            StreamStillThere stillThere) {
        this.consumer = consumer;
        this.channel = channel;
        this.context = context;
        this.statusChanged = statusChanged;
        this.stillThere = stillThere;
    }

    String problem() {
        return problem;
    }

    /** What a subscription notes when sent, for {@link #notFound}. */
    long turns() {
        return turns;
    }

    /**
     * @param usedArn the consumer ARN the refused subscription used
     * @param turnsWhenSent {@link #turns()} when the refused subscription was sent
     * @param shardId the shard the refused subscription was for
     */
    CompletionStage<Outcome> notFound(String usedArn, long turnsWhenSent, String shardId, Throwable failure) {
        if (usedArn != null && !usedArn.equals(consumer.arn())) {
            return CompletableFuture.completedFuture(replacedBy); // registered again since this subscription began
        }
        CompletableFuture<Outcome> answer = checking != null ? checking : check(failure);
        if (consumer.settings().consumerArn() != null) {
            // decided when the answer comes (the check may report the consumer back): missing while this subscription
            // was out, so it is what refused it, also when another shard's check or event found it back first
            answer = answer.thenApply(outcome -> outcome == Outcome.STREAM_OR_SHARD
                    && (turnsWhenSent % 2 == 1 || turns != turnsWhenSent) ? Outcome.CONSUMER_BACK : outcome);
        }
        return answer.thenCompose(outcome -> outcome == Outcome.STREAM_OR_SHARD ? verified(shardId)
                : CompletableFuture.completedFuture(outcome));
    }

    /** The consumer is ACTIVE and its history does not explain the refusal: are the stream and the shard still there? */
    private CompletionStage<Outcome> verified(String shardId) {
        return stillThere.check(shardId).thenApply(answer -> switch (answer) {
            case THERE -> Outcome.SHARD_STILL_THERE;
            case GONE -> Outcome.STREAM_OR_SHARD;
            case UNKNOWN -> Outcome.UNKNOWN;
        });
    }

    private CompletableFuture<Outcome> check(Throwable failure) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        checking = result;
        String arn = consumer.arn();
        consumer.client().describeStreamConsumer(request -> request.consumerARN(arn))
                .whenComplete((response, error) -> context.execute(() -> {
                    if (error == null && response.consumerDescription().consumerStatus() == ConsumerStatus.ACTIVE) {
                        boolean back = problem != null && consumer.settings().consumerArn() != null;
                        if (back) {
                            KinesisFanOutLogging.log.configuredConsumerBack(channel, arn);
                            setProblem(null);
                            turns++;
                        }
                        finish(result, back ? Outcome.CONSUMER_BACK : Outcome.STREAM_OR_SHARD);
                    } else if (error == null || AwsErrors.classify(error) == FailureKind.NOT_FOUND) {
                        gone(result, arn, failure);
                    } else {
                        KinesisFanOutLogging.log.consumerCallFailedDetail(channel, AwsErrors.unwrap(error));
                        finish(result, Outcome.UNKNOWN);
                    }
                }));
        return result;
    }

    private void gone(CompletableFuture<Outcome> result, String arn, Throwable failure) {
        String stream = consumer.streamValue();
        if (consumer.settings().consumerArn() != null) {
            if (problem == null) {
                KinesisFanOutLogging.log.configuredConsumerMissing(channel, arn, stream, AwsErrors.summary(failure));
                setProblem("stream consumer " + arn + " (consumer-arn) of stream '" + stream + "' does not exist since "
                        + Instant.now() + " (" + AwsErrors.summary(failure) + "); retrying until it does");
                turns++;
            }
            finish(result, Outcome.CONSUMER_MISSING);
            return;
        }
        KinesisFanOutLogging.log.consumerDeleted(channel, arn, stream, consumer.settings().consumerName());
        setProblem("stream consumer " + arn + " of stream '" + stream + "' was deleted; registering '"
                + consumer.settings().consumerName() + "' again since " + Instant.now());
        consumer.registerAgain().whenComplete((streamWasMissing, error) -> context.execute(() -> {
            setProblem(null);
            if (error != null) {
                checking = null;
                result.completeExceptionally(error);
                return;
            }
            replacedBy = streamWasMissing ? Outcome.STREAM_REPLACED : Outcome.CONSUMER_REPLACED;
            finish(result, replacedBy);
        }));
    }

    private void finish(CompletableFuture<Outcome> result, Outcome outcome) {
        checking = null;
        result.complete(outcome);
    }

    /** A subscription received an event: a consumer reported missing is back. */
    void worked() {
        if (problem != null && checking == null) {
            KinesisFanOutLogging.log.configuredConsumerBack(channel, consumer.arn());
            setProblem(null);
            turns++;
        }
    }

    private void setProblem(String now) {
        if (now != null || problem != null) {
            problem = now;
            statusChanged.run();
        }
    }
}
