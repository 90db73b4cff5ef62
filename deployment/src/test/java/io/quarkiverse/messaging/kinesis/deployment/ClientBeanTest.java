package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kinesis.KinesisSendResult;
import io.smallrye.reactive.messaging.kinesis.KinesisWriteException;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * {@code client-bean} picks an application's {@code @Identifier} KinesisAsyncClient bean (the bean is not removed
 * as unused); a stored record acks its message with a {@link KinesisSendResult}, a refused one nacks it with a
 * {@link KinesisWriteException}.
 */
class ClientBeanTest {

    static final String REFUSED_KEY = "refuse-me";

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class, RecordingKinesisClient.class))
            .overrideConfigKey("mp.messaging.outgoing.orders-out.client-bean", "recording-kinesis")
            .overrideConfigKey("mp.messaging.outgoing.orders-out.stream", "orders")
            .overrideConfigKey("mp.messaging.outgoing.orders-out.buffer-time", "10ms");

    @Inject
    OrdersApp app;

    @Inject
    @Identifier("recording-kinesis")
    RecordingKinesisClient client;

    @Test
    void storedRecordAcksWithWhereKinesisStoredIt() throws Exception {
        OutgoingMessageMetadata<KinesisSendResult> result = new OutgoingMessageMetadata<>();
        CompletableFuture<Void> outcome = send("order-1", result);

        outcome.get(10, TimeUnit.SECONDS);
        assertThat(result.getResult()).isEqualTo(new KinesisSendResult("orders", RecordingKinesisClient.SHARD, "1"));
        assertThat(client.requests)
                .filteredOn(request -> request.records().stream()
                        .anyMatch(entry -> entry.partitionKey().equals("order-1")))
                .singleElement()
                .satisfies(request -> assertThat(request.streamName()).isEqualTo("orders"));
    }

    @Test
    void refusedRecordNacksWithTheAwsErrorCode() {
        CompletableFuture<Void> outcome = send(REFUSED_KEY, new OutgoingMessageMetadata<>());

        assertThat(outcome).failsWithin(10, TimeUnit.SECONDS)
                .withThrowableOfType(Exception.class)
                .havingCause()
                .isInstanceOfSatisfying(KinesisWriteException.class, failure -> {
                    assertThat(failure.getErrorCode()).isEqualTo("KMSAccessDeniedException");
                    assertThat(failure.getAttempts()).isEqualTo(1);
                });
    }

    private CompletableFuture<Void> send(String partitionKey, OutgoingMessageMetadata<KinesisSendResult> result) {
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        app.send(Message.of("order".getBytes(StandardCharsets.UTF_8),
                Metadata.of(OutgoingKinesisMetadata.builder().partitionKey(partitionKey).build(), result))
                .withAck(() -> {
                    outcome.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    outcome.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return outcome;
    }

    /**
     * Stores every record in one shard, except those with the key {@value #REFUSED_KEY}, refused with a KMS error
     * that retrying does not heal.
     */
    @Singleton
    @Identifier("recording-kinesis")
    public static class RecordingKinesisClient implements KinesisAsyncClient {

        static final String SHARD = "shardId-000000000007";

        final List<PutRecordsRequest> requests = new CopyOnWriteArrayList<>();
        private final AtomicLong sequence = new AtomicLong();

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            requests.add(request);
            List<PutRecordsResultEntry> results = new ArrayList<>();
            int failed = 0;
            for (PutRecordsRequestEntry entry : request.records()) {
                if (entry.partitionKey().equals(REFUSED_KEY)) {
                    failed++;
                    results.add(PutRecordsResultEntry.builder().errorCode("KMSAccessDeniedException")
                            .errorMessage("access denied").build());
                } else {
                    results.add(PutRecordsResultEntry.builder().shardId(SHARD)
                            .sequenceNumber(String.valueOf(sequence.incrementAndGet())).build());
                }
            }
            return CompletableFuture.completedFuture(
                    PutRecordsResponse.builder().records(results).failedRecordCount(failed).build());
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }
}
