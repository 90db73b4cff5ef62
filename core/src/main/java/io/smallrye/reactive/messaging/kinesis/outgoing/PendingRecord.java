package io.smallrye.reactive.messaging.kinesis.outgoing;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.opentelemetry.api.trace.Span;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kinesis.tracing.OutgoingTracing;
import io.vertx.core.Context;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * One accepted message on its way to Kinesis. Its mutable fields are touched on the channel's context only.
 */
final class PendingRecord {

    final Message<?> message;
    final String stream;
    final PutRecordsRequestEntry entry;
    /**
     * Stream and partition key: records with the same order key keep their emission order. {@code null} for a record
     * whose partition key the channel drew at random: no other record shares it, so it has no order to keep, and the
     * per-key bookkeeping (maps of keys in flight, held back, per entry) is skipped for it.
     */
    final String orderKey;
    /** Data plus partition key bytes, as Kinesis counts them against the record and request limits. */
    final int size;
    /** Emission order within the channel. */
    final long sequence;
    final long enqueuedAtNanos;
    /** The message's PRODUCER span, ended when the message is acked or nacked; null without tracing. */
    final Span span;
    /**
     * Where the send result goes, and the context the message is completed on (both may be null): looked up once, on
     * the sender's thread, where the message's metadata was just written, not when its request comes back.
     */
    final OutgoingMessageMetadata<Object> resultMetadata;
    final Context context;

    /**
     * The queue of its order key, set when it is added to {@link PendingRecords} (a keyed record under an ordering): it
     * stays that key's queue while the record waits or is in flight, so its answer finds it without a map look-up.
     */
    RecordQueue queue;
    int attempts;
    long notBeforeNanos;
    boolean completed;
    /** In a request being built by {@link PendingRecords}: set and cleared within one batch. */
    boolean leaving;

    PendingRecord(Message<?> message, String stream, SdkBytes data, String partitionKey, boolean randomKey,
            String explicitHashKey, int size, long sequence, long enqueuedAtNanos, Span span) {
        this.message = message;
        this.stream = stream;
        this.entry = PutRecordsRequestEntry.builder()
                .data(data)
                .partitionKey(partitionKey)
                .explicitHashKey(explicitHashKey)
                .build();
        this.orderKey = randomKey ? null : stream + '\n' + partitionKey;
        this.size = size;
        this.sequence = sequence;
        this.enqueuedAtNanos = enqueuedAtNanos;
        this.span = span;
        this.resultMetadata = resultMetadataOf(message);
        this.context = MessageCompletion.contextOf(message);
    }

    @SuppressWarnings("unchecked")
    private static OutgoingMessageMetadata<Object> resultMetadataOf(Message<?> message) {
        return message.getMetadata(OutgoingMessageMetadata.class).orElse(null);
    }

    /** Acks the message (its span ends). */
    void ack() {
        OutgoingTracing.acked(span);
        MessageCompletion.ack(message, context);
    }

    /** Nacks the message (its span ends with the reason). */
    void nack(Throwable reason, String errorCode) {
        OutgoingTracing.nacked(span, reason, errorCode);
        MessageCompletion.nack(message, context, reason);
    }

    boolean backingOff(long nowNanos) {
        return attempts > 0 && nowNanos - notBeforeNanos < 0;
    }
}
