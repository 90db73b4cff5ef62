package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.incoming.KinesisInboundChannel;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * What an incoming channel holds: memory bounded by max-pending-records whatever the backlog, and threads that do
 * not grow with the number of shards.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingResourcesTest extends WeldTestBase {

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    private static String newStream(int shards, int records) {
        String stream = "res-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, shards);
        long start = System.nanoTime();
        StreamWriter.putAll(kinesis.client(), stream, IntStream.range(0, records)
                .mapToObj(i -> StreamWriter.entry("key-" + (i % 500), "r-" + i)).toList());
        System.out.printf("IncomingResourcesTest: %d records written to %d shard(s) in %d ms%n", records, shards,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return stream;
    }

    private static MapBasedConfig channel(String stream) {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.orders-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.orders-in.stream", stream)
                .with("mp.messaging.incoming.orders-in.region", kinesis.region())
                .with("mp.messaging.incoming.orders-in.endpoint-override", kinesis.endpoint().toString())
                .with("mp.messaging.incoming.orders-in.starting-position", "trim_horizon");
    }

    @Test
    void aSlowConsumerKeepsTheFetchedButUnprocessedRecordsUnderTheBound() {
        // many shards: kinesis-mock writes get slower as a shard grows, 20,000 records in 50 shards take a few seconds
        int shards = 50;
        int bound = 20;
        String stream = newStream(shards, 20_000);
        SlowConsumer app = runApplication(channel(stream)
                .with("mp.messaging.incoming.orders-in.max-pending-records", bound), SlowConsumer.class);
        KinesisInboundChannel channel = connector().inboundChannel("orders-in");

        // watch for at least 4 s, and until the consumer has got through 100 records (slower on a loaded machine)
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(90);
        long mostUnprocessed = 0;
        while ((System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4) || app.processed() <= 100)
                && System.nanoTime() < deadline) {
            long fetched = channel.fetchedRecords();
            long unprocessed = fetched - app.processed();
            mostUnprocessed = Math.max(mostUnprocessed, unprocessed);
            assertThat(unprocessed).as("fetched but unprocessed records").isLessThanOrEqualTo((long) shards * bound);
            assertThat(channel.pendingRecords()).isLessThanOrEqualTo(shards * bound);
            await().pollDelay(Duration.ofMillis(20)).until(() -> true);
        }
        long processed = app.processed();
        System.out.printf("IncomingResourcesTest: processed %d, fetched %d, at most %d fetched but unprocessed%n", processed,
                channel.fetchedRecords(),
                mostUnprocessed);
        // reading went on, at the consumer's pace (about 50 a second at 20 ms each), far from the 20,000 waiting
        assertThat(processed).isGreaterThan(100);
        assertThat(channel.fetchedRecords()).isLessThanOrEqualTo(processed + (long) shards * bound);
    }

    @Test
    void fiftyShardsAreReadWithTheThreadsOfTwo() {
        Map<String, Integer> withTwo = threadsWhileReading(2);
        stopContainer();
        initWeld();
        Map<String, Integer> withFifty = threadsWhileReading(50);

        int two = withTwo.values().stream().mapToInt(Integer::intValue).sum();
        int fifty = withFifty.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("IncomingResourcesTest: live threads reading 2 shards: %d %s; reading 50 shards: %d %s%n", two,
                withTwo, fifty, withFifty);
        assertThat(fifty - two).as("threads added by 48 more shards: %s against %s", withFifty, withTwo)
                .isLessThanOrEqualTo(6);
    }

    /** Live threads by name (digits dropped), once every shard is read and polled a few times. */
    private Map<String, Integer> threadsWhileReading(int shards) {
        String stream = newStream(shards, shards * 10);
        FastConsumer app = runApplication(channel(stream), FastConsumer.class);
        KinesisInboundChannel channel = connector().inboundChannel("orders-in");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> app.processed() == shards * 10L && channel.activeShards() == shards);
        await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .collect(Collectors.groupingBy(thread -> thread.getName().replaceAll("\\d+", "#"), TreeMap::new,
                        Collectors.reducing(0, thread -> 1, Integer::sum)));
    }

    @ApplicationScoped
    public static class SlowConsumer {
        private final Executor in20ms = CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS);
        private final AtomicLong processed = new AtomicLong();

        long processed() {
            return processed.get();
        }

        @Incoming("orders-in")
        CompletionStage<Void> consume(Message<byte[]> message) {
            return CompletableFuture.runAsync(processed::incrementAndGet, in20ms).thenCompose(ignored -> message.ack());
        }
    }

    @ApplicationScoped
    public static class FastConsumer {
        private final AtomicLong processed = new AtomicLong();

        long processed() {
            return processed.get();
        }

        @Incoming("orders-in")
        void consume(byte[] payload) {
            processed.incrementAndGet();
        }
    }
}
