package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class SerialRequestsTest {

    /** Records the total asked for and the most calls under way at once. */
    static final class CountingSubscription implements Flow.Subscription {
        final AtomicLong total = new AtomicLong();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger mostActive = new AtomicInteger();
        final List<Long> amounts = new CopyOnWriteArrayList<>();
        Runnable duringRequest = () -> {
        };

        @Override
        public void request(long n) {
            int now = active.incrementAndGet();
            mostActive.accumulateAndGet(now, Math::max);
            calls.incrementAndGet();
            amounts.add(n);
            total.addAndGet(n);
            duringRequest.run();
            active.decrementAndGet();
        }

        @Override
        public void cancel() {
        }
    }

    @Test
    void aRequestMadeInsideUpstreamsAnswerIsSentAfterItNotNestedInIt() {
        SerialRequests requests = new SerialRequests();
        CountingSubscription subscription = new CountingSubscription();
        requests.subscribe(subscription);
        AtomicInteger nested = new AtomicInteger();
        subscription.duringRequest = () -> {
            if (nested.incrementAndGet() <= 3) {
                requests.request(5);
            }
        };

        requests.request(10);

        assertThat(subscription.mostActive.get()).isEqualTo(1);
        assertThat(subscription.calls.get()).isEqualTo(4);
        assertThat(subscription.total.get()).isEqualTo(25);
    }

    @Test
    void requestsFromManyThreadsAreMadeOneAtATimeAndAddUp() throws Exception {
        SerialRequests requests = new SerialRequests();
        CountingSubscription subscription = new CountingSubscription();
        requests.subscribe(subscription);
        subscription.duringRequest = Thread::yield;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 10_000; i++) {
                    requests.request(1);
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }

        assertThat(subscription.mostActive.get()).isEqualTo(1);
        assertThat(subscription.total.get()).isEqualTo(40_000);
    }

    @Test
    void amountsAddUpToUnboundedWithoutOverflowing() {
        SerialRequests requests = new SerialRequests();
        CountingSubscription subscription = new CountingSubscription();
        requests.subscribe(subscription);
        subscription.duringRequest = () -> {
            if (subscription.calls.get() == 1) {
                requests.request(Long.MAX_VALUE);
                requests.request(7);
            }
        };

        requests.request(3);

        assertThat(subscription.amounts).containsExactly(3L, Long.MAX_VALUE);
    }

    @Test
    void aSecondSubscriptionIsRefused() {
        SerialRequests requests = new SerialRequests();
        assertThat(requests.subscribe(new CountingSubscription())).isTrue();
        assertThat(requests.subscribe(new CountingSubscription())).isFalse();
    }
}
