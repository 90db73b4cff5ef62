package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisServiceClientConfiguration;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * A measurement, not a test of the suite (its name does not end in Test; run it with
 * {@code -Dtest=FewKeysShutdownFlushHarness}): 300 messages over 50 partition keys wait in an outgoing channel (a
 * buffer-time far away), then the channel is closed, which flushes them, against kinesis-mock. Prints, per ordering
 * mode and aggregation, how long the close took, how many PutRecords requests it made, how long they took and how
 * many were under way at once. It asserts only that every message was acked.
 */
@ExtendWith(KinesisMockExtension.class)
class FewKeysShutdownFlushHarness {

    private static final int MESSAGES = 300;
    private static final int KEYS = 50;
    private static final int SHARDS = 4;

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
        // a first stream and request, so that the first measured row does not pay for the emulator's warm-up
        String stream = "warm-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 1);
        kinesis.client().putRecords(r -> r.streamName(stream).records(e -> e.partitionKey("k")
                .data(software.amazon.awssdk.core.SdkBytes.fromUtf8String("x")))).join();
    }

    /**
     * @param shardMap with aggregation: whether ListShards answers (otherwise it is refused, as without the
     *        permission, and the channel never knows the shards)
     */
    @ParameterizedTest(name = "ordering={0}, aggregation={1}, shard map={2}")
    @CsvSource({ "strict,false,false", "relaxed,false,false", "none,false,false",
            "strict,true,true", "relaxed,true,true", "none,true,true",
            "strict,true,false", "relaxed,true,false", "none,true,false" })
    void flushOfBufferedMessagesWithFewKeys(String ordering, boolean aggregation, boolean shardMap) {
        String stream = "flush-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, SHARDS);
        CountingClient client = new CountingClient(kinesis.client(), shardMap);
        OutgoingSettings settings = OutgoingSettings.from(ChannelHarness.configuration("flush", Map.of(
                "stream", stream,
                "ordering", ordering,
                "aggregation", String.valueOf(aggregation),
                "buffer-time", "60s",
                "shutdown-timeout", "60s")));
        Vertx vertx = Vertx.vertx();
        try {
            KinesisOutboundChannel channel = new KinesisOutboundChannel(settings, client, vertx, KinesisMetrics.NONE);
            AtomicInteger completed = new AtomicInteger();
            List<ChannelHarness.Tracked> messages = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                String key = "key-" + (i % KEYS);
                messages.add(new ChannelHarness.Tracked("m-" + i, key + "/" + i, null,
                        List.of(OutgoingKinesisMetadata.builder().partitionKey(key).build()), completed));
            }
            UnicastProcessor<Message<?>> source = UnicastProcessor.create();
            source.subscribe(channel);
            messages.forEach(message -> source.onNext(message.message));
            await().atMost(Duration.ofSeconds(10)).until(() -> channel.intakeSettled(MESSAGES));
            if (aggregation) {
                // the shard map is loaded while the first records wait: aggregated from the first request
                await().atMost(Duration.ofSeconds(10)).until(() -> client.listShards.get() > 0);
                sleep(500);
            }
            assertThat(client.requests.get()).as("requests before the close").isZero();

            long start = System.nanoTime();
            channel.close();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            messages.forEach(ChannelHarness.Tracked::assertAckedOnce);
            int requests = client.requests.get();
            System.out.printf("FLUSH ordering=%-7s aggregation=%-5s shard map=%-5s: %4d ms, %3d PutRecords requests, "
                    + "%5.1f ms per request on average, %d at most at once, %d Kinesis records%n",
                    ordering, aggregation, aggregation && shardMap, tookMillis, requests,
                    requests == 0 ? 0.0 : client.requestNanos.get() / 1e6 / requests, client.mostAtOnce.get(),
                    client.entries.get());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
            kinesis.deleteStream(stream);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The emulator's client, counting PutRecords requests, their entries, duration and concurrency. */
    private static final class CountingClient implements KinesisAsyncClient {
        final KinesisAsyncClient delegate;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger entries = new AtomicInteger();
        final AtomicInteger listShards = new AtomicInteger();
        final AtomicInteger underWay = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicLong requestNanos = new AtomicLong();
        final boolean listsShards;

        CountingClient(KinesisAsyncClient delegate, boolean listsShards) {
            this.delegate = delegate;
            this.listsShards = listsShards;
        }

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            requests.incrementAndGet();
            entries.addAndGet(request.records().size());
            mostAtOnce.accumulateAndGet(underWay.incrementAndGet(), Math::max);
            long start = System.nanoTime();
            return delegate.putRecords(request).whenComplete((response, failure) -> {
                underWay.decrementAndGet();
                requestNanos.addAndGet(System.nanoTime() - start);
            });
        }

        @Override
        public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
            listShards.incrementAndGet();
            if (!listsShards) {
                return CompletableFuture.failedFuture(FakeKinesisClient.accessDenied());
            }
            return delegate.listShards(request);
        }

        @Override
        public KinesisServiceClientConfiguration serviceClientConfiguration() {
            return delegate.serviceClientConfiguration();
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
            // the emulator's shared client: closed with the emulator
        }
    }
}
