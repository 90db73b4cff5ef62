package io.smallrye.reactive.messaging.kinesis.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** The readiness probe names the stream as configured: by name, or by ARN. */
class StreamProbeStreamRefTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    static final String ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/orders";

    @Test
    void aStreamConfiguredByNameIsDescribedByName() {
        DescribingClient client = new DescribingClient(StreamStatus.ACTIVE);
        StreamProbe probe = new StreamProbe(client, "orders-in", "orders", Duration.ofSeconds(1)).attach(vertx);

        probe.probeOnce();

        assertThat(client.requests).singleElement().satisfies(request -> {
            assertThat(request.streamName()).isEqualTo("orders");
            assertThat(request.streamARN()).isNull();
        });
        assertThat(probe.problem()).isNull();
    }

    @Test
    void aStreamConfiguredByArnIsDescribedByArn() {
        DescribingClient client = new DescribingClient(StreamStatus.DELETING);
        StreamProbe probe = new StreamProbe(client, "orders-in", ARN, Duration.ofSeconds(1)).attach(vertx);

        probe.probeOnce();

        assertThat(client.requests).singleElement().satisfies(request -> {
            assertThat(request.streamARN()).isEqualTo(ARN);
            assertThat(request.streamName()).isNull();
        });
        assertThat(probe.problem()).contains(ARN).contains("DELETING");
    }

    /** Answers every DescribeStreamSummary at once with the given status. */
    static final class DescribingClient implements KinesisAsyncClient {

        final List<DescribeStreamSummaryRequest> requests = new CopyOnWriteArrayList<>();
        private final StreamStatus status;

        DescribingClient(StreamStatus status) {
            this.status = status;
        }

        @Override
        public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(
                DescribeStreamSummaryRequest request) {
            requests.add(request);
            return CompletableFuture.completedFuture(DescribeStreamSummaryResponse.builder()
                    .streamDescriptionSummary(StreamDescriptionSummary.builder().streamStatus(status).build()).build());
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
