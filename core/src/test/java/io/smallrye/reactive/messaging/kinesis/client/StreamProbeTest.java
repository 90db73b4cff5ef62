package io.smallrye.reactive.messaging.kinesis.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** The readiness probe makes one attempt per run; a throttled run says nothing new about the stream. */
class StreamProbeTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aThrottledProbeLeavesTheLastVerdictAndOtherFailuresAreReportedOnOneLine() {
        ScriptedDescribe client = new ScriptedDescribe();
        StreamProbe probe = new StreamProbe(client, "orders-out", "orders", Duration.ofSeconds(10)).attach(vertx);

        client.answers.add(CompletableFuture.completedFuture(active()));
        probe.probeOnce();
        assertThat(probe.problem()).isNull();

        client.answers.add(CompletableFuture.failedFuture(LimitExceededException.builder().message("Rate exceeded")
                .build()));
        probe.probeOnce();
        assertThat(probe.problem()).isNull();

        client.answers.add(CompletableFuture.failedFuture(ResourceNotFoundException.builder()
                .message("Stream orders under account 000000000000 not found.").build()));
        probe.probeOnce();
        assertThat(probe.problem()).contains("stream 'orders' is not reachable", "not found").doesNotContain("\n");

        String missing = probe.problem();
        client.answers.add(CompletableFuture.failedFuture(LimitExceededException.builder().message("Rate exceeded")
                .build()));
        probe.probeOnce();
        assertThat(probe.problem()).isEqualTo(missing);
        assertThat(client.calls).isEqualTo(4);
    }

    @Test
    void aShortIntervalDoesNotShortenTheCallTimeoutSoASlowAnswerIsNotUnreachable() {
        ScriptedDescribe client = new ScriptedDescribe();
        StreamProbe probe = new StreamProbe(client, "orders-out", "orders", Duration.ofSeconds(1)).attach(vertx);

        client.answers.add(CompletableFuture.completedFuture(active()));
        probe.probeOnce();

        assertThat(client.lastRequest.overrideConfiguration().orElseThrow().apiCallTimeout())
                .contains(Duration.ofSeconds(5));
    }

    @Test
    void anIncomingChannelsProbeMakesNoCallAtStartButOneAfterTheInterval() {
        ScriptedDescribe client = new ScriptedDescribe();
        client.answers.add(CompletableFuture.completedFuture(active()));
        client.answers.add(CompletableFuture.completedFuture(active()));
        StreamProbe probe = new StreamProbe(client, "orders-in", "orders", Duration.ofSeconds(10))
                .startAfterInterval(vertx);

        probe.probeOnce(); // runs on the probe's context after its start
        assertThat(client.calls).isEqualTo(1);
        probe.close();

        ScriptedDescribe later = new ScriptedDescribe();
        later.answers.add(CompletableFuture.completedFuture(active()));
        StreamProbe shortInterval = new StreamProbe(later, "orders-in", "orders", Duration.ofMillis(100))
                .startAfterInterval(vertx);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> later.calls >= 1);
        shortInterval.close();
    }

    private static DescribeStreamSummaryResponse active() {
        return DescribeStreamSummaryResponse.builder().streamDescriptionSummary(StreamDescriptionSummary.builder()
                .streamName("orders").streamStatus(StreamStatus.ACTIVE).build()).build();
    }

    /** Answers each DescribeStreamSummary with the next scripted answer. */
    private static final class ScriptedDescribe implements KinesisAsyncClient {
        final Deque<CompletableFuture<DescribeStreamSummaryResponse>> answers = new ArrayDeque<>();
        volatile int calls;
        DescribeStreamSummaryRequest lastRequest;

        @Override
        public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(
                DescribeStreamSummaryRequest request) {
            calls++;
            lastRequest = request;
            return answers.remove();
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
