package io.smallrye.reactive.messaging.kinesis.tracing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMetadata;

/**
 * The tracing of an incoming channel: a CONSUMER span per received message, child of the producer's context when the
 * record came in a {@link TraceEnvelope}, ended at once; its context travels with the message as
 * {@link TracingMetadata}, as in the SmallRye connectors, so the application's processing (an {@code @Incoming}
 * method, with quarkus-opentelemetry) runs in it and its spans are its children. With {@code batch=true}, each record
 * gets its span as well, and the batch message a span of its own, linked to its records' spans (the OpenTelemetry
 * messaging conventions' way to relate one operation to many messages, whose traces differ).
 */
public final class IncomingTracing {

    public static final IncomingTracing OFF = new IncomingTracing(null);

    private static final TextMapGetter<Map<String, String>> CARRIER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    /** @param tracer null: no spans */
    public IncomingTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    public boolean enabled() {
        return tracer != null;
    }

    /**
     * The message's tracing metadata: a CONSUMER span (already ended) and the context it was started in; null
     * without a tracer.
     *
     * @param envelope the trace context the record carried, or null
     */
    public TracingMetadata receive(IncomingKinesisMetadata record, TraceEnvelope.Opened envelope, int bodySize) {
        if (tracer == null) {
            return null;
        }
        Context parent = Context.current();
        if (envelope != null) {
            Map<String, String> carrier = new HashMap<>(4);
            carrier.put("traceparent", envelope.traceparent());
            if (envelope.tracestate() != null) {
                carrier.put("tracestate", envelope.tracestate());
            }
            parent = W3CTraceContextPropagator.getInstance().extract(parent, carrier, CARRIER);
        }
        var builder = tracer.spanBuilder("receive " + record.getStream())
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(parent)
                .setAttribute(KinesisSpans.MESSAGING_SYSTEM, KinesisSpans.SYSTEM)
                .setAttribute(KinesisSpans.DESTINATION, record.getStream())
                .setAttribute(KinesisSpans.OPERATION_TYPE, "receive")
                .setAttribute(KinesisSpans.OPERATION_NAME, "receive")
                .setAttribute(KinesisSpans.PARTITION_ID, record.getShardId())
                .setAttribute(KinesisSpans.MESSAGE_ID, record.getSequenceNumber())
                .setAttribute(KinesisSpans.SEQUENCE_NUMBER, record.getSequenceNumber())
                .setAttribute(KinesisSpans.PARTITION_KEY, record.getPartitionKey())
                .setAttribute(KinesisSpans.BODY_SIZE, (long) bodySize)
                .setAttribute(KinesisSpans.ENVELOPE, envelope != null);
        builder.setAttribute(KinesisSpans.SUB_SEQUENCE_NUMBER, record.getSubSequenceNumber());
        Span span = builder.startSpan();
        span.end();
        return TracingMetadata.with(parent.with(span), parent);
    }

    /**
     * The batch message's tracing metadata: a CONSUMER span (already ended) for the batch, in the channel's current
     * context (a new trace), linked to the span of each record; null without a tracer.
     *
     * @param records the tracing metadata of the batch's records ({@link #receive}), in shard order
     */
    public TracingMetadata receiveBatch(String stream, String shardId, List<TracingMetadata> records) {
        if (tracer == null) {
            return null;
        }
        Context parent = Context.current();
        SpanBuilder builder = tracer.spanBuilder("receive " + stream)
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(parent)
                .setAttribute(KinesisSpans.MESSAGING_SYSTEM, KinesisSpans.SYSTEM)
                .setAttribute(KinesisSpans.DESTINATION, stream)
                .setAttribute(KinesisSpans.OPERATION_TYPE, "receive")
                .setAttribute(KinesisSpans.OPERATION_NAME, "receive")
                .setAttribute(KinesisSpans.PARTITION_ID, shardId)
                .setAttribute(KinesisSpans.BATCH_MESSAGE_COUNT, (long) records.size());
        for (TracingMetadata record : records) {
            SpanContext linked = Span.fromContext(record.getCurrentContext()).getSpanContext();
            if (linked.isValid()) {
                builder.addLink(linked);
            }
        }
        Span span = builder.startSpan();
        span.end();
        return TracingMetadata.with(parent.with(span), parent);
    }
}
