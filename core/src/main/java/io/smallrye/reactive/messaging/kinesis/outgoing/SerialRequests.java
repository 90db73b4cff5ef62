package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests to upstream from any thread, made one at a time as Reactive Streams asks (rule 2.7): a thread that finds
 * another one requesting leaves its amount to it. A request that upstream answers at once on the same thread (an
 * Emitter delivering what it buffered), whose {@code onNext} asks for more, is not nested either: the outer call
 * sends it when the upstream call returns.
 */
final class SerialRequests {

    private final AtomicLong pending = new AtomicLong();
    private final AtomicInteger turns = new AtomicInteger();
    private volatile Flow.Subscription subscription;

    /** @return false when there already is a subscription: the new one must be cancelled */
    boolean subscribe(Flow.Subscription s) {
        if (subscription != null) {
            return false;
        }
        subscription = s;
        return true;
    }

    boolean subscribed() {
        return subscription != null;
    }

    /** Any thread; {@code n} above 0. Amounts add up, capped at {@link Long#MAX_VALUE} (unbounded). */
    void request(long n) {
        pending.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        if (turns.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            long amount = pending.getAndSet(0);
            if (amount > 0) {
                subscription.request(amount);
            }
            missed = turns.addAndGet(-missed);
        } while (missed != 0);
    }
}
