package io.smallrye.reactive.messaging.kinesis.incoming;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import software.amazon.awssdk.core.async.SdkPublisher;
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
                context.execute(() -> callbacks.failed(generation, failure));
            }

            @Override
            public void onComplete() {
                context.execute(() -> callbacks.completed(generation));
            }
        });
    }

    @Override
    public void exceptionOccurred(Throwable failure) {
        context.execute(() -> callbacks.failed(generation, failure));
    }

    @Override
    public void complete() {
        context.execute(() -> callbacks.completed(generation));
    }
}
