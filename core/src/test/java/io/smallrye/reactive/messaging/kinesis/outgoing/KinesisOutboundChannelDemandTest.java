package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;

/**
 * What the channel asks its upstream for, when upstream delivers on threads of its own (an Emitter's callers): the
 * demand is topped up on upstream's thread as messages arrive, without waiting for the channel's context, and what is
 * asked for that way stays within the channel's bounds (records, and bytes counting each message not delivered yet at
 * max-record-bytes).
 */
class KinesisOutboundChannelDemandTest {

    private ChannelHarness harness;
    private final CountDownLatch contextFree = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        contextFree.countDown();
        if (harness != null) {
            harness.close();
        }
    }

    /** Delivers what was asked for when the test says so, on the test's thread; records who asked on which thread. */
    static final class ManualUpstream implements Flow.Publisher<Message<?>> {
        final AtomicLong demand = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final Set<String> requestThreads = ConcurrentHashMap.newKeySet();
        private final String partitionKey;
        private final int dataBytes;
        private Flow.Subscriber<? super Message<?>> subscriber;

        ManualUpstream(String partitionKey, int dataBytes) {
            this.partitionKey = partitionKey;
            this.dataBytes = dataBytes;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Message<?>> s) {
            subscriber = s;
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requestThreads.add(Thread.currentThread().getName());
                    demand.addAndGet(n);
                }

                @Override
                public void cancel() {
                }
            });
        }

        /** Delivers while there is demand (the channel may ask for more meanwhile); @return how many */
        long deliverWhileAsked() {
            long count = 0;
            while (demand.get() > 0) {
                demand.decrementAndGet();
                delivered.incrementAndGet();
                count++;
                subscriber.onNext(Message.of(new byte[dataBytes])
                        .addMetadata(OutgoingKinesisMetadata.builder().partitionKey(partitionKey).build()));
            }
            return count;
        }
    }

    /** Keeps the channel's context busy until the test ends (or {@link #contextFree} is counted down). */
    private void occupyContext() throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        assertThat(harness.channel.onContext(() -> {
            busy.countDown();
            try {
                contextFree.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })).isTrue();
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void upstreamsThreadAsksForMoreWhileTheContextIsBusyUpToTheRecordBound() throws Exception {
        harness = ChannelHarness.create("buffer-time=200ms", "max-buffered-records=600", "max-batch-records=100");
        long bound = harness.channel.heldRecordLimit();
        ManualUpstream upstream = new ManualUpstream("key", 10);
        harness.subscribe(upstream);
        await().atMost(ChannelHarness.TIMEOUT).until(() -> upstream.demand.get() > 0);
        long firstAsk = upstream.demand.get();
        occupyContext();

        long delivered = upstream.deliverWhileAsked();

        assertThat(bound).as("the bound before any measure").isEqualTo(600);
        assertThat(firstAsk).as("first demand: max-buffered-bytes counted at max-record-bytes").isEqualTo(32);
        // every arrival waits in the inbox: they fill the bound, asked for on the test's thread alone
        assertThat(delivered).isEqualTo(bound);
        assertThat(upstream.requestThreads).contains(Thread.currentThread().getName());

        contextFree.countDown();
        await().atMost(ChannelHarness.TIMEOUT).until(() -> harness.fake.writes().size() == bound);
    }

    @Test
    void whatIsAskedForWhileTheContextIsBusyKeepsHeldBytesWithinMaxBufferedBytes() throws Exception {
        // 100 data bytes and a 3-byte key: 103 bytes per record; 20 600 bytes held at most, counting what is asked
        // for and not delivered at max-record-bytes (1 030 bytes): so at most 200 records delivered
        harness = ChannelHarness.create("buffer-time=200ms", "max-record-bytes=1030", "max-buffered-bytes=20600",
                "max-batch-bytes=1030", "max-batch-records=10");
        ManualUpstream upstream = new ManualUpstream("key", 100);
        harness.subscribe(upstream);
        await().atMost(ChannelHarness.TIMEOUT).until(() -> upstream.demand.get() > 0);
        occupyContext();

        long delivered = upstream.deliverWhileAsked();

        assertThat(delivered * 103).as("bytes delivered while the context was busy").isLessThanOrEqualTo(20600)
                .isGreaterThan(20600 / 2);

        contextFree.countDown();
        await().atMost(ChannelHarness.TIMEOUT).until(() -> harness.fake.writes().size() == delivered);
    }
}
