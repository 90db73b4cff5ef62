package io.quarkiverse.messaging.kinesis.it.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkiverse.messaging.kinesis.test.KinesisTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The connector's spans with quarkus-opentelemetry: the PRODUCER span of a sent message, the CONSUMER span of the
 * received one in the same trace (trace envelope), and the {@code @Incoming} method running in it. Dev Services stay
 * off: the test companion's resource runs kinesis-mock and points the connector at it.
 */
@QuarkusTest
@QuarkusTestResource(value = KinesisTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(name = "streams", value = "pings:1,quiet:1,batched:1"))
class KinesisTracingTest {

    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Pings pings;

    @Inject
    Tracer tracer;

    @Inject
    InMemorySpanExporter exporter;

    @Test
    void consumerSpanAndIncomingMethodContinueTheProducersTraceThroughTheEnvelope() {
        Span request = sendPingInSpan("ping-1");
        String traceId = request.getSpanContext().getTraceId();

        Pings.Received received = await().atMost(TIMEOUT).until(
                () -> pings.receivedPings().stream().filter(r -> r.payload().equals("ping-1")).findFirst().orElse(null),
                r -> r != null);
        SpanData producer = await().atMost(TIMEOUT).until(() -> span(traceId, SpanKind.PRODUCER), s -> s != null);
        SpanData consumer = await().atMost(TIMEOUT).until(() -> span(traceId, SpanKind.CONSUMER), s -> s != null);

        assertThat(producer.getName()).isEqualTo("send pings");
        assertThat(producer.getAttributes().get(DESTINATION)).isEqualTo("pings");
        assertThat(producer.getTraceId()).isEqualTo(traceId);
        assertThat(producer.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(consumer.getName()).isEqualTo("receive pings");
        assertThat(consumer.getTraceId()).isEqualTo(traceId);
        assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
        assertThat(received.current().getTraceId()).isEqualTo(traceId);
        assertThat(received.current().getSpanId()).isEqualTo(consumer.getSpanId());
    }

    @Test
    void theIncomingMethodOfABatchRunsInTheBatchSpanWhichLinksTheRecordsSpanInTheProducersTrace() {
        Span request = tracer.spanBuilder("test request").startSpan();
        try (Scope ignored = request.makeCurrent()) {
            pings.batched().send("batched-1").toCompletableFuture().join();
        } finally {
            request.end();
        }
        String traceId = request.getSpanContext().getTraceId();

        Pings.Received batch = await().atMost(TIMEOUT).until(() -> pings.receivedBatches().stream()
                .filter(r -> r.payload().contains("batched-1")).findFirst().orElse(null), r -> r != null);
        SpanData record = await().atMost(TIMEOUT).until(() -> span(traceId, SpanKind.CONSUMER), s -> s != null);
        SpanData batchSpan = await().atMost(TIMEOUT).until(() -> exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getSpanId().equals(batch.current().getSpanId())).findFirst().orElse(null), s -> s != null);

        assertThat(record.getName()).isEqualTo("receive batched");
        assertThat(batchSpan.getName()).isEqualTo("receive batched");
        assertThat(batchSpan.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(batchSpan.getTraceId()).isNotEqualTo(traceId);
        assertThat(batchSpan.getLinks()).extracting(link -> link.getSpanContext().getSpanId())
                .contains(record.getSpanId());
    }

    @Test
    void channelsWithTracingDisabledRecordNoKinesisSpans() {
        pings.quiet().send("quiet-1").toCompletableFuture().join();
        await().atMost(TIMEOUT).until(() -> pings.receivedQuiet().stream().anyMatch(r -> r.payload().equals("quiet-1")));
        // the spans of a traced ping sent afterwards are exported: the quiet channels' (if any) would be there by then
        String traceId = sendPingInSpan("ping-after-quiet").getSpanContext().getTraceId();
        await().atMost(TIMEOUT).until(() -> span(traceId, SpanKind.CONSUMER) != null);

        List<SpanData> quietSpans = exporter.getFinishedSpanItems().stream()
                .filter(s -> "quiet".equals(s.getAttributes().get(DESTINATION)) || s.getName().endsWith(" quiet"))
                .toList();
        assertThat(quietSpans).isEmpty();
    }

    /** Sends a ping on the traced channel within a span of the test (as an HTTP request would be), ended at once. */
    private Span sendPingInSpan(String payload) {
        Span request = tracer.spanBuilder("test request").startSpan();
        try (Scope ignored = request.makeCurrent()) {
            pings.pings().send(payload).toCompletableFuture().join();
        } finally {
            request.end();
        }
        return request;
    }

    private SpanData span(String traceId, SpanKind kind) {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == kind && s.getTraceId().equals(traceId))
                .findFirst().orElse(null);
    }
}
