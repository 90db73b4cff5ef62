package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * A publisher driven by one sending thread: {@link #emit} hands a message to the subscriber once it has asked for one,
 * waiting (spinning, then yielding) while it has not. Respects the subscriber's demand exactly, like a well-behaved
 * Emitter.
 */
final class DemandPublisher implements Flow.Publisher<Message<?>>, Flow.Subscription {

    private final AtomicLong demand = new AtomicLong();
    private Flow.Subscriber<? super Message<?>> subscriber;
    /** Times {@link #emit} found no demand and had to wait. */
    long waits;

    @Override
    public void subscribe(Flow.Subscriber<? super Message<?>> subscriber) {
        this.subscriber = subscriber;
        subscriber.onSubscribe(this);
    }

    void emit(Message<?> message) {
        if (demand.get() == 0) {
            waits++;
            int spins = 0;
            while (demand.get() == 0) {
                if (++spins < 100) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
        demand.decrementAndGet();
        subscriber.onNext(message);
    }

    void complete() {
        subscriber.onComplete();
    }

    @Override
    public void request(long n) {
        demand.accumulateAndGet(n, (current, added) -> {
            long sum = current + added;
            return sum < 0 ? Long.MAX_VALUE : sum;
        });
    }

    @Override
    public void cancel() {
    }
}
