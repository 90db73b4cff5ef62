package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.junit.jupiter.api.Test;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Shutdown when Kinesis does not answer: every message accepted by the Emitter gets an answer, including those the
 * channel had not requested yet (still in the Emitter's buffer).
 */
class OutgoingShutdownTest extends WeldTestBase {

    @Test
    void everyAcceptedMessageIsNackedWhenKinesisNeverAnswers() {
        addBeans(SilentClient.class);
        Sender app = runApplication(new MapBasedConfig()
                .with("mp.messaging.outgoing.orders-out.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.outgoing.orders-out.client-bean", "silent")
                .with("mp.messaging.outgoing.orders-out.max-buffered-records", 5)
                .with("mp.messaging.outgoing.orders-out.max-batch-records", 5)
                .with("mp.messaging.outgoing.orders-out.shutdown-timeout", "300ms"), Sender.class);

        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sends.add(app.send("m-" + i));
        }
        container.shutdown();

        assertThat(sends).allMatch(CompletableFuture::isCompletedExceptionally);
        List<String> reasons = sends.stream()
                .map(send -> send.handle((ok, failure) -> failure.getMessage()).join()).toList();
        // the 5 records in flight: unknown outcome; the 45 others never left: channel closed
        assertThat(reasons).filteredOn(r -> r.contains("may or may not have been stored")).hasSize(5);
        assertThat(reasons).filteredOn(r -> r.contains("is closed")).hasSize(45);
        assertThat(SilentClient.requests.get()).isEqualTo(1);
    }

    @ApplicationScoped
    public static class Sender {
        @Inject
        @Channel("orders-out")
        @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 100)
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

    /** A client whose PutRecords requests never get an answer. */
    @ApplicationScoped
    public static class SilentClient {
        static final AtomicInteger requests = new AtomicInteger();

        @Produces
        @Identifier("silent")
        KinesisAsyncClient client() {
            requests.set(0);
            return new KinesisAsyncClient() {
                @Override
                public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
                    requests.incrementAndGet();
                    return new CompletableFuture<>();
                }

                @Override
                public String serviceName() {
                    return "kinesis";
                }

                @Override
                public void close() {
                }
            };
        }
    }

}
