package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.Tracked;

/**
 * What the channel asks upstream for follows its measured send rate: little when sends are slow, more when they are
 * fast; and at shutdown what upstream already holds is taken and sent, not nacked, when the deadline allows.
 */
class KinesisOutboundChannelHeldBoundTest {

    private ChannelHarness harness;
    private EndlessUpstream upstream;

    @AfterEach
    void tearDown() {
        if (upstream != null) {
            upstream.stopped = true;
        }
        if (harness != null) {
            harness.close();
        }
    }

    /** An endless upstream that delivers what is asked for and records the most demand outstanding with held. */
    static final class EndlessUpstream implements Flow.Publisher<Message<?>> {
        final AtomicLong demand = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong acked = new AtomicLong();
        /** Once set, delivers nothing more (an endless source would keep a closed channel nacking forever). */
        volatile boolean stopped;
        private final AtomicInteger emitting = new AtomicInteger();
        private Flow.Subscriber<? super Message<?>> subscriber;

        @Override
        public void subscribe(Flow.Subscriber<? super Message<?>> s) {
            subscriber = s;
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    demand.addAndGet(n);
                    if (emitting.getAndIncrement() != 0) {
                        return;
                    }
                    do {
                        while (demand.get() > 0 && !stopped) {
                            demand.decrementAndGet();
                            long i = delivered.incrementAndGet();
                            subscriber.onNext(Message.of("m" + i, () -> {
                                acked.incrementAndGet();
                                return java.util.concurrent.CompletableFuture.completedFuture(null);
                            }));
                        }
                    } while (emitting.decrementAndGet() != 0);
                }

                @Override
                public void cancel() {
                }
            });
        }
    }

    private long settledLimit(int seconds) {
        await().pollDelay(Duration.ofSeconds(seconds)).atMost(Duration.ofSeconds(seconds + 5)).until(() -> true);
        return harness.channel.heldRecordLimit();
    }

    @Test
    void slowSendsShrinkWhatIsAskedForAndFastSendsLetItGrow() {
        FakeKinesisClient fake = new FakeKinesisClient(1);
        AtomicInteger delayMs = new AtomicInteger(0);
        fake.script(call -> {
            try {
                Thread.sleep(delayMs.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return fake.answerEntries(call, FakeKinesisClient.ACCEPT_ALL);
        });
        harness = ChannelHarness.create(fake, "max-batch-records=10", "max-in-flight=1", "buffer-time=5ms",
                "shutdown-timeout=4s", "max-buffered-records=3000", "ordering=none");
        assertThat(harness.channel.heldRecordLimit()).as("before any measure").isEqualTo(1000);
        EndlessUpstream upstream = new EndlessUpstream();
        this.upstream = upstream;
        harness.subscribe(upstream);

        // fast: answers at once, thousands of records per second, so the bound is max-buffered-records
        long fast = settledLimit(2);
        long deliveredFast = delivered(upstream, 1);

        // slow: 10 records per 200 ms, 50 records/s, so the channel should hold what it sends in 2 s (100)
        delayMs.set(200);
        long slow = settledLimit(5);
        long deliveredSlow = delivered(upstream, 2);
        upstream.stopped = true;

        assertThat(fast).as("bound while sends are fast").isGreaterThan(1000);
        assertThat(slow).as("bound once sends are slow (it was %d)", fast).isLessThan(fast / 5).isLessThan(400);
        assertThat(deliveredSlow).as("messages taken from upstream in 2 s of slow sends (%d in 1 s of fast ones)",
                deliveredFast).isLessThan(200).isLessThan(deliveredFast / 5);
    }

    /** How many messages upstream delivered in that many seconds. */
    private static long delivered(EndlessUpstream upstream, int seconds) {
        long before = upstream.delivered.get();
        await().pollDelay(Duration.ofSeconds(seconds)).atMost(Duration.ofSeconds(seconds + 5)).until(() -> true);
        return upstream.delivered.get() - before;
    }

    @Test
    void atShutdownWhatUpstreamAlreadyHoldsIsSentNotNacked() {
        // the channel holds 50 at most and never fills a request (100): nothing leaves before close()
        harness = ChannelHarness.create("buffer-time=1h", "max-batch-records=100", "max-buffered-records=50",
                "shutdown-timeout=10s");
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            messages.add(harness.message("m" + i));
        }
        harness.send(messages); // a processor that queues what the channel did not ask for yet, as an Emitter does
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                .until(() -> harness.fake.callCount() == 0);
        assertThat(messages.stream().filter(Tracked::done)).isEmpty();

        harness.channel.close();

        harness.assertAllAckedOnce(messages);
        assertThat(harness.fake.allSentData()).containsExactlyElementsOf(messages.stream().map(m -> m.id).toList());
    }
}
