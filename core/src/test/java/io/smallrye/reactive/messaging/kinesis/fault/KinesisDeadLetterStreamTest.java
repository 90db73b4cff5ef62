package io.smallrye.reactive.messaging.kinesis.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.client.SdkRetries;
import io.smallrye.reactive.messaging.kinesis.test.AwsLoopback;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * The dead-letter write is its own call path's one retry layer: what the connector's classifier says can heal is
 * retried after the connector's back-off, up to {@link KinesisDeadLetterStream#ATTEMPTS} attempts; nothing else is.
 */
class KinesisDeadLetterStreamTest {

    private static final Duration BACKOFF = Duration.ofMillis(40);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(160);

    @Test
    void throttlingTransientAndNotFoundFailuresAreRetriedUntilTheWriteSucceeds() {
        ScriptedClient client = new ScriptedClient(ProvisionedThroughputExceededException.builder().build(),
                SdkClientException.create("Unable to execute HTTP request: Connection refused"),
                error("InternalFailure", 500), ResourceNotFoundException.builder().message("gone").build());

        handler(client).handle(nacked(), new IllegalStateException("bad order"), Metadata.empty())
                .await().atMost(Duration.ofSeconds(10));

        assertThat(client.attempts.get()).isEqualTo(5);
    }

    @Test
    void aFailureRetryingCannotFixIsTriedOnce() {
        ScriptedClient client = new ScriptedClient(InvalidArgumentException.builder().message("too big").build());

        assertThatThrownBy(() -> handler(client).handle(nacked(), new IllegalStateException("bad order"),
                Metadata.empty()).await().atMost(Duration.ofSeconds(10)))
                .hasMessageContaining("SRKIN2104").hasMessageContaining("too big")
                .hasMessageContaining("1 attempt(s); not retried: PERMANENT");
        assertThat(client.attempts.get()).isEqualTo(1);
    }

    @Test
    void aDeadLetterStreamThatKeepsThrottlingGetsExactlyTheAttemptsWithTheBackoffBetween() {
        try (AwsLoopback kinesis = AwsLoopback.start(operation -> AwsLoopback.Answer.throttled());
                KinesisAsyncClient client = SdkRetries.off(KinesisAsyncClient.builder())
                        .endpointOverride(kinesis.endpoint()).region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIALOOPBACK", "loopback-secret")))
                        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                        .build()) {

            assertThatThrownBy(() -> handler(client).handle(nacked(), new IllegalStateException("bad order"),
                    Metadata.empty()).await().atMost(Duration.ofSeconds(20)))
                    .hasMessageContaining("ProvisionedThroughputExceededException")
                    .hasMessageContaining(KinesisDeadLetterStream.ATTEMPTS + " attempt(s); no attempt left");

            List<Long> times = kinesis.requestTimes("PutRecord");
            List<Long> gapsMs = new ArrayList<>();
            for (int i = 1; i < times.size(); i++) {
                gapsMs.add((times.get(i) - times.get(i - 1)) / 1_000_000);
            }
            System.out.printf("attempts: dead-letter PutRecord against a throttling endpoint: %d requests, gaps %s ms "
                    + "(retry-backoff %d ms, max-retry-backoff %d ms)%n", times.size(), gapsMs, BACKOFF.toMillis(),
                    MAX_BACKOFF.toMillis());
            assertThat(times).hasSize(KinesisDeadLetterStream.ATTEMPTS);
            // before attempt n+1 the back-off waits at least half of min(retry-backoff * 2^(n-1), max-retry-backoff)
            for (int n = 1; n < times.size(); n++) {
                long full = Math.min(BACKOFF.toMillis() << (n - 1), MAX_BACKOFF.toMillis());
                assertThat(gapsMs.get(n - 1)).as("wait before attempt %d", n + 1).isGreaterThanOrEqualTo(full / 2);
            }
        }
    }

    private static KinesisDeadLetterStream handler(KinesisAsyncClient client) {
        return new KinesisDeadLetterStream("orders-in", "orders-dlq", client, BACKOFF, MAX_BACKOFF);
    }

    private static IncomingKinesisMessage<String> nacked() {
        Record record = Record.builder().sequenceNumber("49590338271490256608559692538361571095921575989136588898")
                .partitionKey("customer-1").data(SdkBytes.fromUtf8String("order-1"))
                .approximateArrivalTimestamp(Instant.now()).build();
        IncomingKinesisMetadata metadata = new IncomingKinesisMetadata("orders", "shardId-000000000000",
                record.sequenceNumber(), 0, "customer-1", null, record.approximateArrivalTimestamp(), 0);
        IncomingKinesisMessage.Source source = new IncomingKinesisMessage.Source() {
            @Override
            public Record record() {
                return record;
            }

            @Override
            public SdkBytes data() {
                return record.data();
            }

            @Override
            public boolean onChannelContext() {
                return true;
            }

            @Override
            public void complete() {
            }
        };
        return new IncomingKinesisMessage<>(source, "order-1", metadata, null, null);
    }

    private static AwsServiceException error(String code, int status) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    /** Fails PutRecord with the scripted failures, one per call, then succeeds. */
    private static final class ScriptedClient implements KinesisAsyncClient {
        final Deque<Throwable> failures = new ConcurrentLinkedDeque<>();
        final AtomicInteger attempts = new AtomicInteger();

        ScriptedClient(Throwable... failures) {
            this.failures.addAll(List.of(failures));
        }

        @Override
        public CompletableFuture<PutRecordResponse> putRecord(PutRecordRequest request) {
            attempts.incrementAndGet();
            Throwable next = failures.poll();
            return next == null
                    ? CompletableFuture.completedFuture(PutRecordResponse.builder().shardId("shardId-000000000000")
                            .sequenceNumber("1").build())
                    : CompletableFuture.failedFuture(next);
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }
}
