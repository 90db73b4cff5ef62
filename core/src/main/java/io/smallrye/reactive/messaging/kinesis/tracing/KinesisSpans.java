package io.smallrye.reactive.messaging.kinesis.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;

/**
 * The tracer of the connector's spans and the attribute keys they carry: the OpenTelemetry messaging semantic
 * conventions' names where they define one, {@code aws.kinesis.*} for what is Kinesis's own.
 */
public final class KinesisSpans {

    public static final String INSTRUMENTATION_NAME = "io.smallrye.reactive.messaging.kinesis";
    public static final String SYSTEM = "aws_kinesis";

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> PARTITION_ID = AttributeKey.stringKey("messaging.destination.partition.id");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<Long> BATCH_MESSAGE_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
    static final AttributeKey<String> PARTITION_KEY = AttributeKey.stringKey("aws.kinesis.partition_key");
    static final AttributeKey<String> SEQUENCE_NUMBER = AttributeKey.stringKey("aws.kinesis.sequence_number");
    static final AttributeKey<Long> SUB_SEQUENCE_NUMBER = AttributeKey.longKey("aws.kinesis.sub_sequence_number");
    static final AttributeKey<Long> REQUEST_RECORDS = AttributeKey.longKey("aws.kinesis.request.record_count");
    static final AttributeKey<Long> AGGREGATED_RECORDS = AttributeKey.longKey("aws.kinesis.aggregated.record_count");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("aws.kinesis.attempts");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Boolean> ENVELOPE = AttributeKey.booleanKey("aws.kinesis.trace_envelope");

    private KinesisSpans() {
    }

    /** The tracer, or {@code null} (no spans at all) when tracing is off or no OpenTelemetry is available. */
    public static Tracer tracer(boolean enabled, OpenTelemetry openTelemetry) {
        return enabled && openTelemetry != null ? openTelemetry.getTracer(INSTRUMENTATION_NAME) : null;
    }
}
