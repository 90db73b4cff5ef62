package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisBatchMessage;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisFailureHandler;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingExceptions;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadDecoder;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadType;
import io.smallrye.reactive.messaging.kinesis.tracing.IncomingTracing;
import io.smallrye.reactive.messaging.kinesis.tracing.TraceEnvelope;
import io.vertx.core.Context;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Makes the messages of an incoming channel from what its shard readers emit, on the channel context: an
 * {@link IncomingKinesisMessage} per record (its data out of a trace envelope, if in one, and decoded as the channel's
 * payload-type, with its metadata and, when tracing is on, a CONSUMER span), each with a duplicated context of its
 * own; an {@link IncomingKinesisBatchMessage} per batch. A record that cannot be decoded is nacked at once, so the
 * failure strategy decides.
 */
final class MessageMaker {

    /** Stands for a record that could not be decoded (and was nacked): filtered out of the stream. */
    static final Message<?> UNREADABLE = Message.of("unreadable record");

    private final IncomingSettings settings;
    private final ChannelContext context;
    private final KinesisFailureHandler failureHandler;
    private final PayloadType payloadType;
    private final PayloadDecoder decoder;
    private final IncomingTracing tracing;

    MessageMaker(IncomingSettings settings, ChannelContext context, KinesisFailureHandler failureHandler,
            PayloadType payloadType, PayloadDecoder decoder, IncomingTracing tracing) {
        this.settings = settings;
        this.context = context;
        this.failureHandler = failureHandler;
        this.payloadType = payloadType;
        this.decoder = decoder;
        this.tracing = tracing;
    }

    /** The message of what a reader emitted; {@link #UNREADABLE} when it could not be decoded (it was nacked). */
    Message<?> toMessage(Received received) {
        if (received instanceof ReceivedBatch batch) {
            return toBatchMessage(batch);
        }
        Message<?> message = toRecordMessage((ReceivedRecord) received, context.context().duplicate());
        return message == null ? UNREADABLE : message;
    }

    /**
     * The message of a batch: the messages of its records that could be decoded (the others were nacked, as single
     * records are); {@link #UNREADABLE} when none could.
     */
    private Message<?> toBatchMessage(ReceivedBatch batch) {
        List<IncomingKinesisMessage<Object>> records = new ArrayList<>(batch.records().size());
        for (ReceivedRecord received : batch.records()) {
            IncomingKinesisMessage<Object> message = toRecordMessage(received, null);
            if (message != null) {
                records.add(message);
            }
        }
        if (records.isEmpty()) {
            return UNREADABLE;
        }
        IncomingKinesisBatchMessage<Object> message = new IncomingKinesisBatchMessage<>(records, failureHandler,
                context.context().duplicate());
        if (tracing.enabled()) {
            List<TracingMetadata> traced = new ArrayList<>(records.size());
            for (IncomingKinesisMessage<Object> record : records) {
                record.getMetadata(TracingMetadata.class).ifPresent(traced::add);
            }
            message.injectMetadata(tracing.receiveBatch(records.get(0).getKinesisMetadata().getStream(),
                    records.get(0).getKinesisMetadata().getShardId(), traced));
        }
        return message;
    }

    /**
     * The message of a record, its data decoded as the channel's payload-type. A record that cannot be decoded is
     * nacked at once, with its data as the payload, so the failure strategy decides (fail, skip, dead-letter); then
     * null is returned.
     *
     * @param messageContext the message's own context: on the channel's (root) context, a new duplicate of it, as
     *        captureLocalContextMetadata() would make, without looking the current context up again; null for a
     *        record of a batch (the batch message has the context)
     */
    private IncomingKinesisMessage<Object> toRecordMessage(ReceivedRecord received, Context messageContext) {
        Record record = received.record();
        Instant arrival = record.approximateArrivalTimestamp();
        String stream = received.stream() == null ? settings.stream() : received.stream();
        IncomingKinesisMetadata metadata = new IncomingKinesisMetadata(stream, received.shardId(),
                record.sequenceNumber(), received.subSequenceNumber(), received.partitionKey(),
                received.explicitHashKey(), arrival, received.millisBehindLatest());
        byte[] data = received.payload();
        // unwrapped whatever the channel's settings: a record in a trace envelope is never handed on with it
        TraceEnvelope.Opened envelope = TraceEnvelope.mayBeEnvelope(data) ? TraceEnvelope.open(data) : null;
        if (envelope != null) {
            data = envelope.data();
        }
        Object payload;
        try {
            payload = decoder.decode(data);
        } catch (Exception e) {
            new IncomingKinesisMessage<>(received, data, metadata, failureHandler, context.context().duplicate())
                    .nack(KinesisIncomingExceptions.ex.payloadNotDecoded(settings.channel(), stream,
                            received.shardId(), positionText(record.sequenceNumber(), received.subSequenceNumber()),
                            payloadType.toString(),
                            String.valueOf(e.getMessage()), e));
            return null;
        }
        IncomingKinesisMessage<Object> message = new IncomingKinesisMessage<>(received, payload, metadata,
                failureHandler, messageContext);
        if (tracing.enabled()) {
            TracingMetadata traced = tracing.receive(metadata, envelope, data.length);
            message.injectMetadata(traced);
        }
        return message;
    }

    /** A position as ShardPosition writes it: the sequence number, then "/sub-sequence" for a user record. */
    private static String positionText(String sequenceNumber, long subSequenceNumber) {
        return subSequenceNumber == 0 ? sequenceNumber : sequenceNumber + "/" + subSequenceNumber;
    }
}
