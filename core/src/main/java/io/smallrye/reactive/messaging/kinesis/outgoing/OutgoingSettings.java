package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.time.Duration;

import io.smallrye.reactive.messaging.kinesis.KinesisConnectorOutgoingConfiguration;
import io.smallrye.reactive.messaging.kinesis.config.AttributeValidator;
import io.smallrye.reactive.messaging.kinesis.tracing.TracingPropagation;

/**
 * The validated settings of one outgoing channel. Limits follow the Kinesis service limits: 500 records and 10 MiB
 * per PutRecords request, 10 MiB per record for streams that opted in.
 */
public record OutgoingSettings(
        String channel,
        String stream,
        Duration bufferTime,
        int maxBatchRecords,
        long maxBatchBytes,
        long maxRecordBytes,
        int maxInFlight,
        int maxBufferedRecords,
        long maxBufferedBytes,
        int maxRetries,
        Duration retryBackoff,
        Duration maxRetryBackoff,
        Duration shutdownTimeout,
        Ordering ordering,
        boolean aggregation,
        int aggregationMaxBytes,
        boolean healthEnabled,
        boolean tracingEnabled,
        TracingPropagation tracingPropagation) {

    public static final int PUT_RECORDS_MAX_RECORDS = 500;
    public static final long PUT_RECORDS_MAX_BYTES = 10L * 1024 * 1024;
    public static final long RECORD_MAX_BYTES = 10L * 1024 * 1024;

    public static OutgoingSettings from(KinesisConnectorOutgoingConfiguration conf) {
        String channel = conf.getChannel();
        AttributeValidator check = new AttributeValidator(channel);
        long maxRecordBytes = check.longInRange("max-record-bytes", conf.getMaxRecordBytes(), 1, RECORD_MAX_BYTES);
        Duration retryBackoff = check.positiveDuration("retry-backoff", conf.getRetryBackoff());
        Duration maxRetryBackoff = check.positiveDuration("max-retry-backoff", conf.getMaxRetryBackoff());
        if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
            throw io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions.ex.invalidAttribute(channel,
                    "max-retry-backoff", conf.getMaxRetryBackoff(), "a duration not shorter than retry-backoff ("
                            + conf.getRetryBackoff() + ")");
        }
        return new OutgoingSettings(
                channel,
                conf.getStream().orElse(channel),
                check.positiveDuration("buffer-time", conf.getBufferTime()),
                check.intInRange("max-batch-records", conf.getMaxBatchRecords(), 1, PUT_RECORDS_MAX_RECORDS),
                check.longInRange("max-batch-bytes", conf.getMaxBatchBytes(), 1, PUT_RECORDS_MAX_BYTES),
                maxRecordBytes,
                check.intInRange("max-in-flight", conf.getMaxInFlight(), 1, 1000),
                check.intInRange("max-buffered-records", conf.getMaxBufferedRecords(), 1, Integer.MAX_VALUE),
                check.longInRange("max-buffered-bytes", conf.getMaxBufferedBytes(), maxRecordBytes, Long.MAX_VALUE),
                check.intInRange("max-retries", conf.getMaxRetries(), 0, 1000),
                retryBackoff,
                maxRetryBackoff,
                check.positiveDuration("shutdown-timeout", conf.getShutdownTimeout()),
                check.enumValue("ordering", conf.getOrdering(), Ordering.class),
                conf.getAggregation(),
                aggregationMaxBytes(conf, maxRecordBytes),
                conf.getHealthEnabled(),
                conf.getTracingEnabled(),
                check.enumValue("tracing-propagation", conf.getTracingPropagation(), TracingPropagation.class));
    }

    /** Checked against max-record-bytes only when aggregating, so lowering that limit alone stays valid. */
    private static int aggregationMaxBytes(KinesisConnectorOutgoingConfiguration conf, long maxRecordBytes) {
        long value = conf.getAggregationMaxBytes();
        if (conf.getAggregation()) {
            if (value < 1 || value > maxRecordBytes) {
                // name the other attribute: lowering max-record-bytes alone makes the default too large
                throw io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions.ex.invalidAttribute(
                        conf.getChannel(), "aggregation-max-bytes", String.valueOf(value),
                        "an integer from 1 to max-record-bytes (" + maxRecordBytes + ")");
            }
            return (int) value;
        }
        return (int) Math.min(Math.max(1, value), maxRecordBytes);
    }
}
