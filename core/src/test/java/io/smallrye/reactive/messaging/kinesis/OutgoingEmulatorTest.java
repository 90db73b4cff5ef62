package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context.BeforeExecution;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The outgoing channel against kinesis-mock: what an Emitter sends lands in the stream, once, in per-key order.
 */
@ExtendWith(KinesisMockExtension.class)
class OutgoingEmulatorTest extends WeldTestBase {

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    private static String newStream(int shards) {
        String stream = "out-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, shards);
        return stream;
    }

    private MapBasedConfig channel(String stream) {
        return new MapBasedConfig()
                .with("mp.messaging.outgoing.orders-out.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.outgoing.orders-out.stream", stream)
                .with("mp.messaging.outgoing.orders-out.region", kinesis.region())
                .with("mp.messaging.outgoing.orders-out.endpoint-override", kinesis.endpoint().toString());
    }

    @Test
    void tenThousandSendsLandOnceInPerKeyOrder() {
        String stream = newStream(4);
        OrdersSender app = runApplication(channel(stream), OrdersSender.class);
        int count = 10_000;
        int keys = 50;

        List<CompletableFuture<Void>> sends = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sends.add(app.send("order-" + i, "customer-" + (i % keys)).toCompletableFuture());
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).orTimeout(120, TimeUnit.SECONDS).join();
        assertThat(sends).allMatch(send -> send.isDone() && !send.isCompletedExceptionally());

        List<KinesisMock.ShardRecord> stored = kinesis.readAll(stream);
        Map<String, Integer> seen = new HashMap<>();
        Map<String, List<Integer>> perKey = new HashMap<>();
        Map<String, String> shardOfKey = new HashMap<>();
        for (KinesisMock.ShardRecord stored1 : stored) {
            Record record = stored1.record();
            String payload = record.data().asUtf8String();
            seen.merge(payload, 1, Integer::sum);
            perKey.computeIfAbsent(record.partitionKey(), k -> new ArrayList<>())
                    .add(Integer.parseInt(payload.substring("order-".length())));
            shardOfKey.merge(record.partitionKey(), stored1.shardId(),
                    (a, b) -> a.equals(b) ? a : "several shards: " + a + ", " + b);
        }
        assertThat(seen).hasSize(count);
        assertThat(seen.values()).allMatch(times -> times == 1);
        assertThat(perKey).hasSize(keys);
        // read order within a shard is sequence-number order: per key, emission order must be kept
        perKey.forEach((key, indexes) -> assertThat(indexes).as("order of key %s", key).isSorted());
        assertThat(shardOfKey.values()).allMatch(shard -> shard.startsWith("shardId-"));
        assertThat(stored.stream().map(KinesisMock.ShardRecord::shardId).distinct()).hasSizeGreaterThan(1);
    }

    @Test
    void messagesAreBatchedAndWaitAboutTheBufferTime() {
        String stream = newStream(2);
        CountingClient.requests.set(0);
        CountingClient.endpoint = kinesis.endpoint().toString();
        addBeans(CountingClient.class);
        OrdersSender app = runApplication(channel(stream)
                .with("mp.messaging.outgoing.orders-out.client-bean", "counting")
                .with("mp.messaging.outgoing.orders-out.buffer-time", "200ms"), OrdersSender.class);

        // a lone message is not sent before the buffer time, and not much later
        long start = System.nanoTime();
        app.send("lone", "k").toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        long loneMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(loneMillis).isBetween(150L, 3_000L);
        assertThat(CountingClient.requests.get()).isEqualTo(1);

        int count = 1_000;
        List<CompletableFuture<Long>> waits = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long sentAt = System.nanoTime();
            waits.add(app.send("m-" + i, null).toCompletableFuture()
                    .thenApply(ignored -> (System.nanoTime() - sentAt) / 1_000_000));
        }
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        int requests = CountingClient.requests.get() - 1;
        assertThat(requests).isLessThanOrEqualTo(count / 20);
        long longestWait = waits.stream().mapToLong(CompletableFuture::join).max().orElseThrow();
        assertThat(longestWait).isLessThan(5_000L);
        assertThat(kinesis.readAll(stream)).hasSize(count + 1);
    }

    @Test
    void missingStreamNacksWithStreamAndRegionAndIsReportedInHealth() {
        OrdersSender app = runApplication(channel("no-such-stream"), OrdersSender.class);

        CompletableFuture<Void> send = app.send("lost?", "k").toCompletableFuture();
        assertThat(send).failsWithin(Duration.ofSeconds(20))
                .withThrowableThat()
                .withMessageContaining("no-such-stream")
                .withMessageContaining("us-east-1");
        HealthReport readiness = get(HealthCenter.class).getReadiness();
        assertThat(readiness.isOk()).isFalse();
        assertThat(readiness.getChannels()).anySatisfy(info -> {
            assertThat(info.getChannel()).isEqualTo("orders-out");
            assertThat(info.getMessage()).contains("no-such-stream");
        });
    }

    @Test
    void oversizedRecordIsNackedAndTheRestIsSent() {
        String stream = newStream(1);
        OrdersSender app = runApplication(channel(stream)
                .with("mp.messaging.outgoing.orders-out.max-record-bytes", "1000"), OrdersSender.class);

        CompletableFuture<Void> before = app.send("small-1", "k").toCompletableFuture();
        CompletableFuture<Void> big = app.send("x".repeat(1000), "k").toCompletableFuture();
        CompletableFuture<Void> after = app.send("small-2", "k").toCompletableFuture();

        assertThat(big).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .withMessageContaining("1001 bytes (data plus partition key)")
                .withMessageContaining("limit of 1000")
                .withMessageContaining("max-record-bytes");
        CompletableFuture.allOf(before, after).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(kinesis.readAll(stream)).extracting(r -> r.record().data().asUtf8String())
                .containsExactly("small-1", "small-2");
    }

    @Test
    void bufferedMessagesAreFlushedAtShutdown() {
        String stream = newStream(2);
        OrdersSender app = runApplication(channel(stream)
                .with("mp.messaging.outgoing.orders-out.buffer-time", "60s"), OrdersSender.class);
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sends.add(app.send("flush-" + i, "key-" + (i % 7)).toCompletableFuture());
        }
        assertThat(sends).noneMatch(CompletableFuture::isDone);

        long start = System.nanoTime();
        container.shutdown();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

        assertThat(sends).allMatch(send -> send.isDone() && !send.isCompletedExceptionally());
        assertThat(kinesis.readAll(stream)).hasSize(100);
    }

    @Test
    void invalidConfigurationFailsTheStartNamingTheProperty() {
        addBeans(OrdersSender.class);
        MapBasedConfig config = channel("whatever").with("mp.messaging.outgoing.orders-out.max-batch-records", "600");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> runApplication(config)))
                .satisfies(failure -> assertThat(causes(failure))
                        .anySatisfy(message -> assertThat(message).contains("max-batch-records")
                                .contains("600").contains("1 to 500")));
    }

    private static List<String> causes(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }

    @ApplicationScoped
    public static class OrdersSender {

        @Inject
        @Channel("orders-out")
        @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
        Emitter<byte[]> emitter;

        CompletionStage<Void> send(String payload, String key) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Metadata metadata = key == null ? Metadata.empty()
                    : Metadata.of(OutgoingKinesisMetadata.builder().partitionKey(key).build());
            emitter.send(Message.of(payload.getBytes(StandardCharsets.UTF_8), metadata)
                    .withAck(() -> {
                        done.complete(null);
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        done.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
            return done;
        }
    }

    /** A client bean chosen with client-bean, counting the PutRecords requests it makes. */
    @ApplicationScoped
    public static class CountingClient {
        static final AtomicInteger requests = new AtomicInteger();
        static volatile String endpoint;

        @Produces
        @Identifier("counting")
        @ApplicationScoped
        KinesisAsyncClient client() {
            return KinesisAsyncClient.builder()
                    .endpointOverride(java.net.URI.create(endpoint))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                        @Override
                        public void beforeExecution(BeforeExecution context, ExecutionAttributes attributes) {
                            if (context.request() instanceof PutRecordsRequest) {
                                requests.incrementAndGet();
                            }
                        }
                    }))
                    .build();
        }
    }

}
