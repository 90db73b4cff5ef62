package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.kinesis.tracing.TraceEnvelope;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * Tracing against kinesis-mock, with an OpenTelemetry bean recording spans in memory: the trace carried from producer
 * to consumer in envelopes (plain and aggregated records), records left exactly as sent without propagation, records
 * that merely look like envelopes, tracing turned off, batches.
 */
@ExtendWith(KinesisMockExtension.class)
class TracingEmulatorTest extends WeldTestBase {

    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    @BeforeEach
    void clearSpans() {
        SPANS.reset();
        Receiver.received.clear();
        BatchReceiver.received.clear();
    }

    private static String newStream(int shards) {
        String stream = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, shards);
        return stream;
    }

    private MapBasedConfig channels(String stream, String... attributes) {
        MapBasedConfig config = new MapBasedConfig();
        for (String direction : new String[] { "outgoing.traced-out", "incoming.traced-in" }) {
            String prefix = "mp.messaging." + direction + ".";
            config.with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                    .with(prefix + "stream", stream)
                    .with(prefix + "region", kinesis.region())
                    .with(prefix + "endpoint-override", kinesis.endpoint().toString());
        }
        config.with("mp.messaging.incoming.traced-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.traced-in.poll-interval", "200ms")
                .with("mp.messaging.incoming.traced-in.idle-poll-interval", "200ms")
                .with("mp.messaging.outgoing.traced-out.buffer-time", "50ms");
        for (String attribute : attributes) {
            int eq = attribute.indexOf('=');
            config.with("mp.messaging." + attribute.substring(0, eq), attribute.substring(eq + 1));
        }
        return config;
    }

    private Sender start(MapBasedConfig config) {
        addBeans(Receiver.class, Telemetry.class);
        return runApplication(config, Sender.class);
    }

    private static List<SpanData> spans(SpanKind kind) {
        return SPANS.getFinishedSpanItems().stream().filter(span -> span.getKind() == kind).toList();
    }

    private static Map<String, Message<byte[]>> awaitReceived(int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> Receiver.received.size() >= count);
        return Receiver.received.stream()
                .collect(Collectors.toMap(m -> new String(m.getPayload(), StandardCharsets.UTF_8), m -> m));
    }

    @Test
    void withEnvelopesTheConsumerSpanContinuesTheProducersTrace() {
        String stream = newStream(1);
        Sender app = start(channels(stream, "outgoing.traced-out.tracing-propagation=envelope"));

        app.send("order-1", "customer-7").join();
        Message<byte[]> received = awaitReceived(1).get("order-1");

        assertThat(received).as("payload unwrapped").isNotNull();
        SpanData producer = spans(SpanKind.PRODUCER).get(0);
        await().until(() -> !spans(SpanKind.CONSUMER).isEmpty());
        SpanData consumer = spans(SpanKind.CONSUMER).get(0);
        assertThat(consumer.getName()).isEqualTo("receive " + stream);
        assertThat(consumer.getTraceId()).isEqualTo(producer.getTraceId());
        assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
        assertThat(consumer.getAttributes().asMap().toString()).contains("aws_kinesis", "customer-7",
                "aws.kinesis.trace_envelope=true");
        // the processing runs in the consumer span's context (made current by the host, e.g. quarkus-opentelemetry)
        TracingMetadata tracing = received.getMetadata(TracingMetadata.class).orElseThrow();
        assertThat(Span.fromContext(tracing.getCurrentContext()).getSpanContext().getSpanId())
                .isEqualTo(consumer.getSpanId());
        assertThat(TraceEnvelope.open(kinesis.readAll(stream).get(0).data())).isNotNull();
    }

    @Test
    void withoutPropagationRecordsAreExactlyTheUsersBytesAndTheConsumerStartsItsOwnTrace() {
        String stream = newStream(1);
        Sender app = start(channels(stream));

        app.send("{\"order\":1}", "customer-7").join();
        awaitReceived(1);

        assertThat(kinesis.readAll(stream)).singleElement()
                .satisfies(record -> assertThat(record.data()).isEqualTo("{\"order\":1}".getBytes(StandardCharsets.UTF_8)));
        await().until(() -> !spans(SpanKind.CONSUMER).isEmpty());
        assertThat(spans(SpanKind.CONSUMER).get(0).getTraceId()).isNotEqualTo(spans(SpanKind.PRODUCER).get(0).getTraceId());
        assertThat(spans(SpanKind.CONSUMER).get(0).getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void aggregatedRecordsCarryAnEnvelopePerUserRecord() {
        String stream = newStream(2);
        // buffer-time long enough for the shard map: every request is aggregated (see OutgoingAggregationEmulatorTest)
        Sender app = start(channels(stream, "outgoing.traced-out.tracing-propagation=envelope",
                "outgoing.traced-out.aggregation=true", "outgoing.traced-out.buffer-time=3s"));

        List<CompletableFuture<KinesisSendResult>> sends = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sends.add(app.send("order-" + i, "customer-" + (i % 4)));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();

        List<KinesisClientRecord> users = new ArrayList<>();
        for (Shard shard : kinesis.client().listShards(r -> r.streamName(stream)).join().shards()) {
            List<KinesisClientRecord> raw = kinesis.readAll(stream).stream()
                    .filter(record -> record.shardId().equals(shard.shardId()))
                    .map(record -> KinesisClientRecord.fromRecord(record.record())).toList();
            users.addAll(new AggregatorUtil().deaggregate(raw, shard.hashKeyRange().startingHashKey(),
                    shard.hashKeyRange().endingHashKey()));
        }
        assertThat(users).hasSize(20).allMatch(KinesisClientRecord::aggregated);
        List<String> producerTraces = spans(SpanKind.PRODUCER).stream().map(SpanData::getTraceId).toList();
        assertThat(users).allSatisfy(user -> {
            TraceEnvelope.Opened opened = TraceEnvelope.open(SdkBytes.fromByteBuffer(user.data()).asByteArray());
            assertThat(opened).isNotNull();
            assertThat(producerTraces).contains(opened.traceparent().substring(3, 35));
        });
        assertThat(awaitReceived(20)).hasSize(20);
        await().until(() -> spans(SpanKind.CONSUMER).size() == 20);
        assertThat(spans(SpanKind.CONSUMER).stream().map(SpanData::getTraceId))
                .containsExactlyInAnyOrderElementsOf(producerTraces);
    }

    @Test
    void aRecordThatOnlyLooksLikeAnEnvelopeIsDeliveredUnchanged() {
        String stream = newStream(1);
        byte[] lookalike = TraceEnvelope.wrap("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null,
                java.nio.ByteBuffer.wrap("data".getBytes(StandardCharsets.UTF_8)));
        lookalike[30] = 'X'; // no longer a valid traceparent
        StreamWriter.putAll(kinesis.client(), stream, List.of(StreamWriter.entry("key", lookalike)));
        start(channels(stream));

        await().atMost(Duration.ofSeconds(30)).until(() -> Receiver.received.size() == 1);

        assertThat(Receiver.received.get(0).getPayload()).isEqualTo(lookalike);
    }

    @Test
    void withTracingDisabledNoSpanIsRecorded() {
        String stream = newStream(1);
        Sender app = start(channels(stream, "outgoing.traced-out.tracing-enabled=false",
                "incoming.traced-in.tracing-enabled=false", "outgoing.traced-out.tracing-propagation=envelope"));

        app.send("order-1", "customer-7").join();
        Message<byte[]> received = awaitReceived(1).get("order-1");

        assertThat(received).isNotNull();
        assertThat(received.getMetadata(TracingMetadata.class)).isEmpty();
        assertThat(SPANS.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void aBatchMessageHasItsOwnReceiveSpanLinkedToTheSpansOfItsRecordsEachInItsProducersTrace() {
        String stream = newStream(1);
        MapBasedConfig config = new MapBasedConfig();
        for (String direction : new String[] { "outgoing.traced-out", "incoming.traced-batch" }) {
            String prefix = "mp.messaging." + direction + ".";
            config.with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                    .with(prefix + "stream", stream)
                    .with(prefix + "region", kinesis.region())
                    .with(prefix + "endpoint-override", kinesis.endpoint().toString());
        }
        config.with("mp.messaging.outgoing.traced-out.tracing-propagation", "envelope")
                .with("mp.messaging.incoming.traced-batch.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.traced-batch.batch", true);
        addBeans(BatchReceiver.class, Telemetry.class);
        Sender app = runApplication(config, Sender.class);
        List<CompletableFuture<KinesisSendResult>> sends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sends.add(app.send("order-" + i, "customer-" + i));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        List<String> producerTraces = spans(SpanKind.PRODUCER).stream().map(SpanData::getTraceId).toList();

        await().atMost(Duration.ofSeconds(30)).until(() -> BatchReceiver.received.stream()
                .mapToInt(batch -> batch.getPayload().size()).sum() == 3);

        for (Message<List<byte[]>> received : BatchReceiver.received) {
            assertThat(received).isInstanceOf(IncomingKinesisBatchMessage.class);
            IncomingKinesisBatchMessage<?> batch = (IncomingKinesisBatchMessage<?>) received;
            List<String> recordSpans = new ArrayList<>();
            for (IncomingKinesisMessage<?> record : batch.getRecords()) {
                Span recordSpan = Span.fromContext(
                        record.getMetadata(TracingMetadata.class).orElseThrow().getCurrentContext());
                assertThat(producerTraces).contains(recordSpan.getSpanContext().getTraceId());
                recordSpans.add(recordSpan.getSpanContext().getSpanId());
            }
            String batchSpanId = Span.fromContext(batch.getMetadata(TracingMetadata.class).orElseThrow()
                    .getCurrentContext()).getSpanContext().getSpanId();
            SpanData batchSpan = SPANS.getFinishedSpanItems().stream()
                    .filter(span -> span.getSpanId().equals(batchSpanId)).findFirst().orElseThrow();
            assertThat(batchSpan.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(batchSpan.getName()).isEqualTo("receive " + stream);
            assertThat(producerTraces).doesNotContain(batchSpan.getTraceId());
            assertThat(batchSpan.getLinks()).extracting(link -> link.getSpanContext().getSpanId())
                    .containsExactlyElementsOf(recordSpans);
            assertThat(batchSpan.getAttributes().asMap().toString())
                    .contains("messaging.batch.message_count=" + recordSpans.size());
        }
        // every record's receive span, plus one per batch
        assertThat(spans(SpanKind.CONSUMER)).hasSize(3 + BatchReceiver.received.size());
    }

    /** The application's OpenTelemetry, as quarkus-opentelemetry provides one. */
    @ApplicationScoped
    public static class Telemetry {
        @Produces
        @Singleton
        OpenTelemetry openTelemetry() {
            return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build()).build();
        }
    }

    @ApplicationScoped
    public static class Sender {

        @Inject
        @Channel("traced-out")
        Emitter<byte[]> emitter;

        CompletableFuture<KinesisSendResult> send(String payload, String key) {
            CompletableFuture<KinesisSendResult> done = new CompletableFuture<>();
            io.smallrye.reactive.messaging.OutgoingMessageMetadata<KinesisSendResult> result = new io.smallrye.reactive.messaging.OutgoingMessageMetadata<>();
            emitter.send(Message.of(payload.getBytes(StandardCharsets.UTF_8),
                    Metadata.of(OutgoingKinesisMetadata.builder().partitionKey(key).build(), result))
                    .withAck(() -> {
                        done.complete(result.getResult());
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        done.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
            return done;
        }
    }

    @ApplicationScoped
    public static class Receiver {

        static final List<Message<byte[]>> received = new CopyOnWriteArrayList<>();

        @Incoming("traced-in")
        CompletableFuture<Void> receive(Message<byte[]> message) {
            received.add(message);
            return message.ack().toCompletableFuture();
        }
    }

    @ApplicationScoped
    public static class BatchReceiver {

        static final List<Message<List<byte[]>>> received = new CopyOnWriteArrayList<>();

        @Incoming("traced-batch")
        CompletionStage<Void> receive(Message<List<byte[]>> batch) {
            received.add(batch);
            return batch.ack();
        }
    }
}
