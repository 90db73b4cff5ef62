package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisFanOutExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisFanOutLogging;

/**
 * What a failed SubscribeToShard subscription of one shard ({@link ShardSubscription}) leads to, sorted by its
 * failure: a position that no longer exists is lost as {@link SubscriptionStart} says; access denied and the other
 * failures retrying cannot fix end the reader; "not found" is sorted out by {@link ConsumerRecovery} (through the
 * {@link FanOutConsumer}): the position is lost only when the stream or the shard was found missing (or the stream
 * recreated), never on a guess; the failures that can heal are noted ({@link ReaderTrouble}) and retried after the
 * channel's backoff. Used on the channel context only.
 */
final class SubscriptionFailures {

    private final String channel;
    private final StreamRef stream;
    private final String shardId;
    private final FanOutConsumer consumer;
    private final SubscriptionStart start;
    private final ReadPacer backoff;
    private final ReaderTrouble trouble;
    private final ChannelContext context;
    /** Whether the shard's subscriptions are over (stopped, or the shard closed): a late consumer check is dropped. */
    private final BooleanSupplier over;
    private ShardSource.Answers answers;
    /** Whether the consumer is being checked after a "not found" ({@link ConsumerRecovery}). */
    private boolean checkingConsumer;

    SubscriptionFailures(String channel, StreamRef stream, String shardId, FanOutConsumer consumer,
            SubscriptionStart start, ReadPacer backoff, ReaderTrouble trouble, ChannelContext context,
            BooleanSupplier over) {
        this.channel = channel;
        this.stream = stream;
        this.shardId = shardId;
        this.consumer = consumer;
        this.start = start;
        this.backoff = backoff;
        this.trouble = trouble;
        this.context = context;
        this.over = over;
    }

    void answerTo(ShardSource.Answers answers) {
        this.answers = answers;
    }

    /** Whether a "not found" is being sorted out: the reader waits for its answer. */
    boolean checkingConsumer() {
        return checkingConsumer;
    }

    /**
     * The current subscription failed (and was ended).
     *
     * @param usedArn the consumer ARN the failed subscription used
     * @param turnsWhenSent the consumer's {@link ConsumerRecovery#turns()} when the failed subscription was sent
     */
    void failed(Throwable failure, String usedArn, long turnsWhenSent) {
        FailureKind kind = AwsErrors.classify(failure);
        IteratorStart from = start.retryFrom();
        if (from != null && from.after() != null && ReaderTrouble.positionLost(failure)) {
            // a checkpoint, or the last continuation (the stream recreated meanwhile), that no longer exists
            if (start.lose(from, failure)) {
                answers.answered();
            }
            return;
        }
        if (kind == FailureKind.PERMANENT) {
            Throwable cause = AwsErrors.unwrap(failure);
            answers.failed(FanOutConsumer.accessDenied(cause)
                    ? KinesisFanOutExceptions.ex.fanOutAccessDenied(channel, ShardSubscription.SUBSCRIBE, usedArn,
                            stream.value(), AwsErrors.summary(cause), ShardSubscription.SUBSCRIBE,
                            "the stream consumer", cause)
                    : cause);
            return;
        }
        if (kind == FailureKind.NOT_FOUND) {
            checkConsumer(failure, usedArn, turnsWhenSent);
            return;
        }
        retryLater(failure, kind);
    }

    /** SubscribeToShard answered "not found": the consumer, the stream or the shard? {@link ConsumerRecovery} says. */
    private void checkConsumer(Throwable failure, String usedArn, long turnsWhenSent) {
        checkingConsumer = true;
        consumer.notFound(usedArn, turnsWhenSent, shardId, failure).whenComplete((outcome, error) -> context.execute(() -> {
            checkingConsumer = false;
            if (over.getAsBoolean()) {
                return;
            }
            if (error != null) {
                answers.failed(AwsErrors.unwrap(error)); // the consumer could not be registered again (denied)
                return;
            }
            switch (outcome) {
                case CONSUMER_REPLACED, CONSUMER_BACK -> {
                    // resubscribed at once, with the new or returned consumer, after the last event: no gap, no duplicate
                }
                case STREAM_OR_SHARD, STREAM_REPLACED -> {
                    start.streamGone(failure);
                    retryLater(failure, FailureKind.NOT_FOUND);
                    return;
                }
                case SHARD_STILL_THERE -> {
                    // the consumer came back unseen, or Kinesis still refuses for a moment: from where it was, after
                    // the backoff (not at once: a refusal that lasts would loop through the checks)
                    if (backoff.failuresInARow() == 0) { // once per run of failures, as the failure itself
                        KinesisFanOutLogging.log.shardStillThere(channel, shardId, usedArn);
                    }
                    retryLater(failure, FailureKind.TRANSIENT);
                    return;
                }
                default -> {
                    retryLater(failure, FailureKind.TRANSIENT);
                    return;
                }
            }
            answers.answered();
        }));
    }

    /** A failure that can heal: noted (one log line per run, health) and retried after the backoff. */
    private void retryLater(Throwable failure, FailureKind kind) {
        long wait = backoff.failed(System.nanoTime());
        if (kind == FailureKind.THROTTLED) {
            trouble.throttled(ShardSubscription.SUBSCRIBE, failure, backoff.failuresInARow(),
                    TimeUnit.NANOSECONDS.toMillis(wait));
        } else {
            trouble.failed(ShardSubscription.SUBSCRIBE, failure,
                    kind == FailureKind.EXPIRED_ITERATOR ? FailureKind.TRANSIENT : kind, backoff.failuresInARow(),
                    TimeUnit.NANOSECONDS.toMillis(wait));
        }
        answers.answered();
    }
}
