package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kinesis.KinesisSendResult;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import io.smallrye.reactive.messaging.kinesis.tracing.OutgoingTracing;
import io.smallrye.reactive.messaging.kinesis.tracing.TraceEnvelope;
import io.smallrye.reactive.messaging.kinesis.tracing.TracingPropagation;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * PRODUCER spans and trace envelopes of an outgoing channel, against the fake client: when the span ends, what it
 * carries on success and failure, what the records hold.
 */
class KinesisOutboundChannelTracingTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private final FakeKinesisClient fake = new FakeKinesisClient();
    private final Vertx vertx = Vertx.vertx();
    private final UnicastProcessor<Message<?>> source = UnicastProcessor.create();
    private final List<Throwable> nacks = new CopyOnWriteArrayList<>();
    private KinesisOutboundChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.close();
        }
        vertx.close();
        provider.close();
    }

    private void start(boolean tracing, TracingPropagation propagation, String... attributes) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("stream", ChannelHarness.STREAM));
        for (String attribute : attributes) {
            all.put(attribute.substring(0, attribute.indexOf('=')), attribute.substring(attribute.indexOf('=') + 1));
        }
        OutgoingSettings settings = OutgoingSettings.from(ChannelHarness.configuration(ChannelHarness.CHANNEL, all));
        channel = new KinesisOutboundChannel(settings, fake, vertx, KinesisMetrics.NONE, null,
                new OutgoingTracing(tracing ? provider.get("test") : null, propagation));
        source.subscribe(channel);
    }

    /** Sends a message with the key; completes with its send result when acked. */
    private CompletableFuture<KinesisSendResult> send(String payload, String key, Object... more) {
        CompletableFuture<KinesisSendResult> done = new CompletableFuture<>();
        OutgoingMessageMetadata<KinesisSendResult> result = new OutgoingMessageMetadata<>();
        Metadata metadata = Metadata.of(OutgoingKinesisMetadata.builder().partitionKey(key).build(), result);
        for (Object item : more) {
            metadata = metadata.with(item);
        }
        source.onNext(Message.of(payload.getBytes(StandardCharsets.UTF_8), metadata, () -> {
            done.complete(result.getResult());
            return CompletableFuture.completedFuture(null);
        }, reason -> {
            nacks.add(reason);
            done.completeExceptionally(reason);
            return CompletableFuture.completedFuture(null);
        }));
        return done;
    }

    private List<PutRecordsRequestEntry> sentEntries() {
        return fake.calls().stream().flatMap(call -> call.request.records().stream()).toList();
    }

    @Test
    void aProducerSpanEndsWhenKinesisAnswersWithShardAndSequenceNumber() {
        start(true, TracingPropagation.NONE, "buffer-time=10ms");
        fake.holdAnswers();

        CompletableFuture<KinesisSendResult> sent = send("order-1", "customer-7");
        await().until(() -> !fake.calls().isEmpty());
        assertThat(spans.getFinishedSpanItems()).as("finished before the answer").isEmpty();
        fake.releaseAnswers();
        KinesisSendResult result = sent.join();

        await().until(() -> spans.getFinishedSpanItems().size() == 1);
        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getName()).isEqualTo("send test-stream");
        assertThat(span.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(span.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("messaging.system"), "aws_kinesis")
                .containsEntry(AttributeKey.stringKey("messaging.destination.name"), "test-stream")
                .containsEntry(AttributeKey.stringKey("messaging.operation.type"), "send")
                .containsEntry(AttributeKey.stringKey("aws.kinesis.partition_key"), "customer-7")
                .containsEntry(AttributeKey.longKey("messaging.message.body.size"), 7L)
                .containsEntry(AttributeKey.stringKey("messaging.destination.partition.id"), result.shardId())
                .containsEntry(AttributeKey.stringKey("messaging.message.id"), result.sequenceNumber())
                .containsEntry(AttributeKey.stringKey("aws.kinesis.sequence_number"), result.sequenceNumber())
                .containsEntry(AttributeKey.longKey("aws.kinesis.request.record_count"), 1L)
                .containsEntry(AttributeKey.longKey("aws.kinesis.attempts"), 1L);
        assertThat(new String(sentEntries().get(0).data().asByteArray(), StandardCharsets.UTF_8)).isEqualTo("order-1");
    }

    @Test
    void theSpanOfARefusedRecordEndsWithTheErrorRecorded() {
        start(true, TracingPropagation.NONE, "buffer-time=10ms");
        fake.entries((data, attempt) -> "AccessDeniedException");

        CompletableFuture<KinesisSendResult> sent = send("order-1", "customer-7");
        await().until(sent::isDone);

        await().until(() -> spans.getFinishedSpanItems().size() == 1);
        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("AccessDeniedException");
        assertThat(span.getEvents()).anySatisfy(event -> assertThat(event.getName()).isEqualTo("exception"));
        assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))).isNull();
    }

    @Test
    void theSpanIsAChildOfTheMessagesTracingMetadata() {
        start(true, TracingPropagation.NONE, "buffer-time=10ms");
        Span parent = provider.get("test").spanBuilder("http request").startSpan();

        send("order-1", "customer-7", TracingMetadata.withCurrent(Context.root().with(parent))).join();
        parent.end();

        await().until(() -> spans.getFinishedSpanItems().size() == 2);
        SpanData send = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.PRODUCER)
                .findFirst().orElseThrow();
        assertThat(send.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
        assertThat(send.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    }

    @Test
    void withEnvelopePropagationTheRecordCarriesTheProducerSpansContextBeforeTheData() {
        start(true, TracingPropagation.ENVELOPE, "buffer-time=10ms");

        send("order-1", "customer-7").join();

        await().until(() -> spans.getFinishedSpanItems().size() == 1);
        SpanData span = spans.getFinishedSpanItems().get(0);
        TraceEnvelope.Opened opened = TraceEnvelope.open(sentEntries().get(0).data().asByteArray());
        assertThat(opened).isNotNull();
        assertThat(opened.traceparent()).isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
        assertThat(new String(opened.data(), StandardCharsets.UTF_8)).isEqualTo("order-1");
        // the span reports the user's data, the record the envelope too
        assertThat(span.getAttributes().get(AttributeKey.longKey("messaging.message.body.size"))).isEqualTo(7L);
    }

    @Test
    void aRecordThatFitsOnlyWithoutItsEnvelopeIsNackedNamingBothSizes() {
        // 90 bytes of data + 10 of key fit in 100; the 63-byte envelope does not
        start(true, TracingPropagation.ENVELOPE, "buffer-time=10ms", "max-record-bytes=100",
                "max-buffered-bytes=1000");

        CompletableFuture<KinesisSendResult> sent = send("x".repeat(90), "customer-7");
        await().until(sent::isDone);

        assertThat(nacks).singleElement().extracting(Throwable::getMessage).asString()
                .contains("SRKIN2390", "100 bytes", "limit of 100 bytes", "63 bytes of its trace envelope",
                        "'max-record-bytes'", "'tracing-propagation'");
        assertThat(fake.calls()).isEmpty();
        await().until(() -> spans.getFinishedSpanItems().size() == 1);
        assertThat(spans.getFinishedSpanItems().get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void withoutTracingNoSpanIsRecordedAndTheRecordIsTheUsersBytes() {
        start(false, TracingPropagation.NONE, "buffer-time=10ms");

        send("order-1", "customer-7").join();

        assertThat(spans.getFinishedSpanItems()).isEmpty();
        assertThat(sentEntries().get(0).data().asByteArray()).isEqualTo("order-1".getBytes(StandardCharsets.UTF_8));
    }
}
