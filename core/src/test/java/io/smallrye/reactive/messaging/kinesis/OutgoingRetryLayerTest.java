package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kinesis.test.AwsLoopback;
import io.smallrye.reactive.messaging.kinesis.test.AwsLoopback.Answer;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * One retry layer on the sending side: the connector's client does not retry, so a record Kinesis keeps refusing is
 * sent exactly 1 + max-retries times (max-retries counts the sends after the first), whether the whole PutRecords
 * request is refused or its entry alone, and is then nacked naming the error.
 */
class OutgoingRetryLayerTest extends WeldTestBase {

    private static final int MAX_RETRIES = 3;

    private AwsLoopback kinesis;

    @AfterEach
    void stopKinesis() {
        if (kinesis != null) {
            kinesis.close();
        }
    }

    @Test
    void aThrottledPutRecordsRequestIsSentOncePlusMaxRetriesThenTheMessageIsNacked() throws Exception {
        kinesis = AwsLoopback.start(operation -> Answer.throttled());

        Throwable reason = nackReason(send());

        assertThat(reason).hasMessageContaining("ProvisionedThroughputExceededException")
                .hasMessageContaining("Rate exceeded for shard");
        assertThat(((KinesisWriteException) reason).getAttempts()).isEqualTo(1 + MAX_RETRIES);
        Thread.sleep(300); // nothing comes late
        System.out.printf("attempts: throttled PutRecords request, max-retries=%d: %d PutRecords requests%n",
                MAX_RETRIES, kinesis.requests("PutRecords"));
        assertThat(kinesis.requests("PutRecords")).isEqualTo(1 + MAX_RETRIES);
    }

    @Test
    void aPutRecordsEntryRefusedEveryTimeIsSentOncePlusMaxRetriesThenTheMessageIsNacked() throws Exception {
        kinesis = AwsLoopback.start(operation -> Answer.ok(Map.of("FailedRecordCount", 1, "Records",
                List.of(Map.of("ErrorCode", "ProvisionedThroughputExceededException",
                        "ErrorMessage", "Rate exceeded for shard shardId-000000000000 (AwsLoopback)")))));

        Throwable reason = nackReason(send());

        assertThat(reason).hasMessageContaining("ProvisionedThroughputExceededException")
                .hasMessageContaining("Rate exceeded for shard shardId-000000000000");
        assertThat(((KinesisWriteException) reason).getAttempts()).isEqualTo(1 + MAX_RETRIES);
        Thread.sleep(300);
        System.out.printf("attempts: PutRecords entry refused (HTTP 200, FailedRecordCount 1), max-retries=%d: "
                + "%d PutRecords requests%n", MAX_RETRIES, kinesis.requests("PutRecords"));
        assertThat(kinesis.requests("PutRecords")).isEqualTo(1 + MAX_RETRIES);
    }

    @Test
    void aProvidedClientThatRetriesItselfIsNoticedOnceAndKeepsItsRetries() throws Exception {
        kinesis = AwsLoopback.start(operation -> Answer.throttled());
        SdkDefaultClient.endpoint = kinesis.endpoint();
        addBeans(SdkDefaultClient.class);
        String prefix = "mp.messaging.outgoing.orders-out.";
        try (LogCapture logs = LogCapture.start(Level.INFO)) {
            Sender app = runApplication(new MapBasedConfig()
                    .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                    .with(prefix + "client-bean", "sdk-default")
                    .with(prefix + "max-retries", 1)
                    .with(prefix + "buffer-time", "10ms")
                    .with(prefix + "retry-backoff", "20ms")
                    .with(prefix + "max-retry-backoff", "50ms"), Sender.class);

            assertThat(nackReason(app.send("order-1"))).hasMessageContaining("ProvisionedThroughputExceededException");
            System.out.printf("attempts: provided client bean with SDK defaults, max-retries=1: %d PutRecords requests%n",
                    kinesis.requests("PutRecords"));
            assertThat(logs.containing("SRKIN1600")).singleElement().asString()
                    .contains("orders-out", "'sdk-default'", "up to 4 attempts per call", "doNotRetry");
            // its own retries stay: each of the connector's 2 sends is tried up to 4 times by the SDK
            assertThat(kinesis.requests("PutRecords")).isGreaterThan(2);
        }
    }

    private CompletableFuture<Void> send() {
        String prefix = "mp.messaging.outgoing.orders-out.";
        Sender app = runApplication(new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "stream", "orders")
                .with(prefix + "region", "us-east-1")
                .with(prefix + "endpoint-override", kinesis.endpoint().toString())
                .with(prefix + "credentials-type", "static")
                .with(prefix + "credentials-access-key-id", "AKIALOOPBACK")
                .with(prefix + "credentials-secret-access-key", "loopback-secret")
                .with(prefix + "buffer-time", "10ms")
                .with(prefix + "max-retries", MAX_RETRIES)
                .with(prefix + "retry-backoff", "20ms")
                .with(prefix + "max-retry-backoff", "50ms"), Sender.class);
        return app.send("order-1");
    }

    private static Throwable nackReason(CompletableFuture<Void> sent) {
        assertThatThrownBy(() -> sent.get(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class);
        return sent.handle((ok, failure) -> failure).join();
    }

    /** An application's client bean with the SDK's default retry strategy. */
    @ApplicationScoped
    public static class SdkDefaultClient {
        static volatile URI endpoint;

        @Produces
        @Identifier("sdk-default")
        @ApplicationScoped
        KinesisAsyncClient client() {
            return KinesisAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("AKIALOOPBACK", "loopback-secret")))
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                    .build();
        }
    }

    @ApplicationScoped
    public static class Sender {
        @Inject
        @Channel("orders-out")
        Emitter<byte[]> emitter;

        CompletableFuture<Void> send(String payload) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            emitter.send(Message.of(payload.getBytes(StandardCharsets.UTF_8))
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
}
