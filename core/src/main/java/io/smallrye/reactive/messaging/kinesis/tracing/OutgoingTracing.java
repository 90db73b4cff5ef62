package io.smallrye.reactive.messaging.kinesis.tracing;

import java.nio.ByteBuffer;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.smallrye.reactive.messaging.TracingMetadata;

/**
 * The tracing of an outgoing channel: a PRODUCER span per message, from its acceptance until Kinesis answers (or the
 * message is nacked), and with {@code tracing-propagation=envelope} the span's trace context written in front of the
 * record's data ({@link TraceEnvelope}). Without a tracer and without propagation, nothing is done per message.
 */
public final class OutgoingTracing {

    public static final OutgoingTracing OFF = new OutgoingTracing(null, TracingPropagation.NONE);

    private static final TextMapSetter<String[]> CARRIER = (carrier, key, value) -> {
        if ("traceparent".equals(key)) {
            carrier[0] = value;
        } else if ("tracestate".equals(key)) {
            carrier[1] = value;
        }
    };

    private final Tracer tracer;
    private final TracingPropagation propagation;

    /** @param tracer null: no spans */
    public OutgoingTracing(Tracer tracer, TracingPropagation propagation) {
        this.tracer = tracer;
        this.propagation = propagation;
    }

    public boolean envelope() {
        return propagation == TracingPropagation.ENVELOPE;
    }

    /**
     * Starts the message's PRODUCER span, child of the message's {@link TracingMetadata} context, else of the
     * caller's current context; {@code null} without a tracer.
     */
    public Span start(Message<?> message, String stream, String partitionKey, int bodySize) {
        if (tracer == null) {
            return null;
        }
        return tracer.spanBuilder("send " + stream)
                .setSpanKind(SpanKind.PRODUCER)
                .setParent(parentOf(message))
                .setAttribute(KinesisSpans.MESSAGING_SYSTEM, KinesisSpans.SYSTEM)
                .setAttribute(KinesisSpans.DESTINATION, stream)
                .setAttribute(KinesisSpans.OPERATION_TYPE, "send")
                .setAttribute(KinesisSpans.OPERATION_NAME, "send")
                .setAttribute(KinesisSpans.PARTITION_KEY, partitionKey)
                .setAttribute(KinesisSpans.BODY_SIZE, (long) bodySize)
                .setAttribute(KinesisSpans.ENVELOPE, envelope())
                .startSpan();
    }

    /**
     * With envelope propagation, the data wrapped with the trace context of the span (or, without one, of the
     * message or the caller) when there is a valid one; otherwise {@code null}: the data is sent as it is.
     */
    public byte[] encode(Span span, Message<?> message, ByteBuffer data) {
        if (!envelope()) {
            return null;
        }
        Context context = span != null ? Context.current().with(span) : parentOf(message);
        SpanContext spanContext = Span.fromContext(context).getSpanContext();
        if (!spanContext.isValid()) {
            return null;
        }
        String[] carrier = new String[2];
        W3CTraceContextPropagator.getInstance().inject(context, carrier, CARRIER);
        if (carrier[0] == null) {
            return null;
        }
        return TraceEnvelope.wrap(carrier[0], carrier[1], data);
    }

    /** Kinesis stored the record. */
    public static void stored(Span span, String shardId, String sequenceNumber, int subSequence, int aggregatedRecords,
            int requestRecords, int attempts) {
        if (span == null) {
            return;
        }
        span.setAttribute(KinesisSpans.PARTITION_ID, shardId);
        span.setAttribute(KinesisSpans.MESSAGE_ID, sequenceNumber);
        span.setAttribute(KinesisSpans.SEQUENCE_NUMBER, sequenceNumber);
        span.setAttribute(KinesisSpans.REQUEST_RECORDS, (long) requestRecords);
        if (aggregatedRecords > 0) {
            span.setAttribute(KinesisSpans.SUB_SEQUENCE_NUMBER, (long) subSequence);
            span.setAttribute(KinesisSpans.AGGREGATED_RECORDS, (long) aggregatedRecords);
        }
        span.setAttribute(KinesisSpans.ATTEMPTS, (long) attempts);
    }

    /** Ends the span of an acked message. */
    public static void acked(Span span) {
        if (span != null) {
            span.end();
        }
    }

    /** Ends the span of a nacked message, the reason recorded. */
    public static void nacked(Span span, Throwable reason, String errorCode) {
        if (span == null) {
            return;
        }
        span.setStatus(StatusCode.ERROR, String.valueOf(reason.getMessage()));
        span.setAttribute(KinesisSpans.ERROR_TYPE, errorCode != null ? errorCode : reason.getClass().getName());
        span.recordException(reason);
        span.end();
    }

    private static Context parentOf(Message<?> message) {
        return TracingMetadata.fromMessage(message).map(TracingMetadata::getCurrentContext).orElse(Context.current());
    }
}
