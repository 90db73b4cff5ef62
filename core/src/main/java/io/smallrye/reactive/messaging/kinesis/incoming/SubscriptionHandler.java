package io.smallrye.reactive.messaging.kinesis.incoming;

import java.io.IOException;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * The SDK's callbacks for one SubscribeToShard subscription (its response handler and the subscriber of its event
 * publisher), called on the SDK's event loops: each hops onto the channel context, tagged with the subscription's
 * generation so that {@link ShardSubscription} can drop the callbacks of a subscription it replaced or stopped. Ends
 * may be reported more than once (by the publisher, the handler and the call's future): the first one counts.
 */
final class SubscriptionHandler implements SubscribeToShardResponseHandler {

    /** What the subscription says, on the channel context. */
    interface Callbacks {
        void subscribed(long generation, Subscription subscription);

        void event(long generation, SubscribeToShardEvent event);

        /** An event of a kind this connector does not know (a newer API). */
        void otherEvent(long generation);

        void failed(long generation, Throwable failure);

        void completed(long generation);
    }

    private final long generation;
    private final ChannelContext context;
    private final Callbacks callbacks;

    SubscriptionHandler(long generation, ChannelContext context, Callbacks callbacks) {
        this.generation = generation;
        this.context = context;
        this.callbacks = callbacks;
    }

    @Override
    public void responseReceived(SubscribeToShardResponse response) {
    }

    @Override
    public void onEventStream(SdkPublisher<SubscribeToShardEventStream> publisher) {
        publisher.subscribe(new Subscriber<SubscribeToShardEventStream>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                context.execute(() -> callbacks.subscribed(generation, subscription));
            }

            @Override
            public void onNext(SubscribeToShardEventStream event) {
                if (event instanceof SubscribeToShardEvent records) {
                    context.execute(() -> callbacks.event(generation, records));
                } else {
                    context.execute(() -> callbacks.otherEvent(generation));
                }
            }

            @Override
            public void onError(Throwable failure) {
                context.execute(() -> callbacks.failed(generation, withoutAnswer(failure)));
            }

            @Override
            public void onComplete() {
                context.execute(() -> callbacks.completed(generation));
            }
        });
    }

    @Override
    public void exceptionOccurred(Throwable failure) {
        context.execute(() -> callbacks.failed(generation, withoutAnswer(failure)));
    }

    /**
     * The handler gets the HTTP layer's failures as they are, before the call's future wraps them: e.g. a plain
     * Throwable "Acquire operation took longer than the configured maximum time" when the client's max-concurrency is
     * used up. Wrapped as the future does (SdkClientException), they are what {@link AwsErrors} calls transient (no
     * answer from Kinesis) instead of permanent.
     */
    static Throwable withoutAnswer(Throwable failure) {
        Throwable cause = AwsErrors.unwrap(failure);
        return cause instanceof SdkException || cause instanceof IOException ? cause
                : SdkClientException.create("SubscribeToShard failed without an answer: " + cause.getMessage(), cause);
    }

    @Override
    public void complete() {
        context.execute(() -> callbacks.completed(generation));
    }
}
