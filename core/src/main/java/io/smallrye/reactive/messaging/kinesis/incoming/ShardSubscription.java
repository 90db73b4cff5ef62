package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Duration;
import java.util.List;

import org.reactivestreams.Subscription;

import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisFanOutLogging;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;

/**
 * Enhanced fan-out for one shard: a SubscribeToShard subscription of the channel's stream consumer, whose events are
 * the pages of the {@link ShardReader}. One event is requested from the SDK's publisher at a time, when the reader asks
 * ({@link #fetch}: downstream demand and room under max-pending-records), so a slow consumer never buffers more than
 * one event per shard; HTTP/2 flow control holds the rest at Kinesis.
 * <p>
 * A subscription lasts 5 minutes, then completes and is renewed at once; where each one starts (the cursor, the last
 * continuation, a lost position) is {@link SubscriptionStart}'s. An event without continuation sequence number ends
 * the shard (resharding): its child shards go to the reader. Failures that
 * can heal (ResourceInUseException: another subscription of this consumer to this shard is live, e.g. a node that has
 * not yet noticed it lost the lease; throttling; network trouble; not found) are retried after the channel's backoff
 * from the same position, logged one line per run and shown by health ({@link ReaderTrouble}); access denied ends the
 * reader naming the consumer, the stream and the action. "Not found" is sorted out by {@link ConsumerRecovery}: a
 * consumer registered again, or a consumer-arn that was missing while the subscription was out and is back, is
 * subscribed with at once from the last position; a stream or shard found missing (deleted,
 * recreated, the shard no longer listed: {@link StreamStillThere}) loses the position, as does a renewal whose
 * continuation the stream refuses; both still there, the shard resubscribes from the last position after the backoff. What a
 * failure leads to is
 * {@link SubscriptionFailures}'s.
 * <p>
 * The SDK calls back on its event loops; every callback hops onto the channel context, and callbacks of a
 * subscription that was replaced or stopped are dropped (each subscription has its own generation).
 */
final class ShardSubscription implements ShardSource, SubscriptionHandler.Callbacks {

    static final String SUBSCRIBE = "SubscribeToShard";

    private final IncomingSettings settings;
    private final KinesisAsyncClient client;
    private final FanOutConsumer consumer;
    private final String shardId;
    private final ShardCursor cursor;
    private final SubscriptionStart start;
    private final FetchedRecords buffer;
    private final ChannelContext context;
    private final KinesisMetrics metrics;
    private final ReadPacer backoff;
    private final ReaderTrouble trouble;
    private final SubscriptionFailures failures;
    private final Runnable statusChanged;
    private Answers answers;

    /** The current subscription's generation; callbacks of older ones are dropped. */
    private long generation;
    /** Whether a SubscribeToShard call is under way and its publisher not subscribed yet. */
    private boolean subscribing;
    /** The consumer ARN of the current (or last) subscription. */
    private String usedArn;
    /** The consumer's missing-or-back count when the current (or last) subscription was sent ({@link ConsumerRecovery}). */
    private long consumerTurns;
    /** The publisher's subscription, while one is open. */
    private Subscription subscription;
    /** Whether an event was requested and has not come yet. */
    private boolean awaitingEvent;
    private boolean stopped;
    private boolean closed;
    private boolean positioned;
    private long events;
    private long eventsOfSubscription;
    private long millisBehindLatest = -1;

    /** @param statusChanged runs when what health shows of the shard changed (a problem, the first subscription) */
    ShardSubscription(IncomingSettings settings, KinesisAsyncClient client, StreamRef stream, FanOutConsumer consumer,
            String shardId, ShardCursor cursor, FetchedRecords buffer, ChannelContext context, KinesisMetrics metrics,
            Runnable statusChanged) {
        this.settings = settings;
        this.client = client;
        this.consumer = consumer;
        this.shardId = shardId;
        this.cursor = cursor;
        this.buffer = buffer;
        this.context = context;
        this.metrics = metrics;
        this.statusChanged = statusChanged;
        // events need no pacing: only failures wait (the backoff), never the poll interval
        this.backoff = new ReadPacer(Duration.ZERO, Duration.ZERO, settings.retryBackoff(),
                settings.maxRetryBackoff());
        this.trouble = new ReaderTrouble(settings.channel(), settings.stream(), shardId, statusChanged);
        this.start = new SubscriptionStart(cursor, settings.lostPositionStrategy(), trouble, (position, failure) -> {
            stopped = true;
            answers.positionLost(position, failure);
        });
        this.failures = new SubscriptionFailures(settings.channel(), stream, shardId, consumer, start, backoff, trouble,
                context, () -> stopped || closed);
    }

    @Override
    public void answerTo(Answers answers) {
        this.answers = answers;
        failures.answerTo(answers);
    }

    @Override
    public boolean inFlight() {
        return subscribing || awaitingEvent || failures.checkingConsumer();
    }

    @Override
    public long delayNanos(long now) {
        return subscription == null ? backoff.delayNanos(now) : 0;
    }

    @Override
    public void fetch(long now, int room) {
        if (stopped || closed) {
            return;
        }
        if (subscription == null) {
            subscribe();
        } else {
            awaitingEvent = true;
            subscription.request(1);
        }
    }

    @Override
    public void stop() {
        stopped = true;
        end();
    }

    @Override
    public boolean positioned() {
        return positioned;
    }

    @Override
    public String problem() {
        return trouble.problem();
    }

    @Override
    public boolean missing() {
        return trouble.missing();
    }

    @Override
    public long calls() {
        return events;
    }

    @Override
    public long millisBehindLatest() {
        return millisBehindLatest;
    }

    @Override
    public String lastFetched() {
        return cursor.lastFetched();
    }

    private void subscribe() {
        StartingPosition from = start.next();
        if (from == null) {
            return; // the stream was found gone and the position is lost for good: the reader ends
        }
        subscribing = true;
        long current = ++generation;
        usedArn = consumer.arn();
        consumerTurns = consumer.turns();
        eventsOfSubscription = 0;
        KinesisFanOutLogging.log.subscribed(settings.channel(), shardId, start.describe());
        SubscribeToShardRequest request = SubscribeToShardRequest.builder().consumerARN(usedArn).shardId(shardId)
                .startingPosition(from).build();
        client.subscribeToShard(request, new SubscriptionHandler(current, context, this))
                .whenComplete((ignored, failure) -> context.execute(() -> {
                    if (failure != null) {
                        failed(current, failure);
                    } else {
                        completed(current);
                    }
                }));
    }

    @Override
    public void subscribed(long current, Subscription opened) {
        if (current != generation || stopped) {
            opened.cancel();
            return;
        }
        subscribing = false;
        subscription = opened;
        answers.answered();
    }

    @Override
    public void event(long current, SubscribeToShardEvent event) {
        if (current != generation || stopped) {
            return;
        }
        awaitingEvent = false;
        events++;
        metrics.subscribeToShardEvent(settings.channel(), settings.stream(), shardId);
        if (eventsOfSubscription++ == 0) {
            // the SDK opens the event stream before Kinesis refuses a subscription (ResourceInUseException): the
            // first event, not the stream, shows that the subscription works
            trouble.succeeded(SUBSCRIBE);
            consumer.worked();
            metrics.subscriptionAnswered(settings.channel(), settings.stream(), shardId,
                    start.placed() ? KinesisMetrics.OPENED : KinesisMetrics.RENEWED);
            backoff.pageReceived(System.nanoTime(), true, false);
            if (!positioned) {
                positioned = true;
                statusChanged.run();
            }
        }
        long behind = event.millisBehindLatest() == null ? 0 : event.millisBehindLatest();
        millisBehindLatest = behind;
        count(event.records(), behind);
        buffer.add(event.records(), behind);
        start.continueAfter(event.continuationSequenceNumber());
        if (start.continuation() == null) {
            // the shard ended: this event names its children (Kinesis sends none while the shard is open)
            closed = true;
            end();
            answers.shardClosed(event.hasChildShards() ? event.childShards() : List.of());
        }
        answers.answered();
    }

    /** An event of a kind this reader does not know (newer API): ask for the next one instead. */
    @Override
    public void otherEvent(long current) {
        if (current == generation && subscription != null && awaitingEvent) {
            subscription.request(1);
        }
    }

    private void count(List<Record> records, long behind) {
        if (!records.isEmpty()) {
            long bytes = 0;
            for (Record record : records) {
                bytes += record.data().asByteBuffer().remaining();
            }
            metrics.recordsReceived(settings.channel(), settings.stream(), records.size(), bytes);
        }
        metrics.millisBehindLatest(settings.channel(), settings.stream(), shardId, behind);
    }

    /** The subscription completed normally (after 5 minutes): the reader's next fetch renews it. */
    @Override
    public void completed(long current) {
        if (current != generation || stopped || closed) {
            return;
        }
        KinesisFanOutLogging.log.subscriptionEnded(settings.channel(), shardId, eventsOfSubscription,
                start.continuation() == null ? "where it started" : "after " + start.continuation());
        if (eventsOfSubscription == 0) {
            backoff.failed(System.nanoTime()); // ended at once: renewed after a backoff, not in a tight loop
        }
        end();
        answers.answered();
    }

    @Override
    public void failed(long current, Throwable failure) {
        if (current != generation || stopped || closed) {
            return;
        }
        end();
        metrics.subscriptionAnswered(settings.channel(), settings.stream(), shardId, KinesisMetrics.FAILED);
        failures.failed(failure, usedArn, consumerTurns);
    }

    /** Forgets the current subscription (cancelled if open); its late callbacks are dropped. */
    private void end() {
        generation++;
        subscribing = false;
        awaitingEvent = false;
        Subscription open = subscription;
        subscription = null;
        if (open != null) {
            open.cancel();
        }
    }
}
