package io.quarkiverse.messaging.kinesis.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;

/**
 * The channels' metrics in Micrometer, tagged with {@code channel} and {@code stream}. Registered as a bean by the
 * deployment processor only when quarkus-micrometer is present and {@code quarkus.messaging.kinesis.metrics.enabled}
 * is true (no bean-defining annotation here on purpose: without Micrometer this class must stay unloaded).
 */
public class MicrometerKinesisMetrics implements KinesisMetrics {

    static final String RECORDS_SENT = "kinesis.records.sent";
    static final String BYTES_SENT = "kinesis.bytes.sent";
    static final String RECORDS_RETRIED = "kinesis.records.retried";
    static final String RECORDS_THROTTLED = "kinesis.records.throttled";
    static final String RECORDS_FAILED = "kinesis.records.failed";
    static final String REQUESTS = "kinesis.putrecords.requests";
    static final String BATCH_SIZE = "kinesis.putrecords.batch.size";
    static final String LATENCY = "kinesis.putrecords.latency";

    private final MeterRegistry registry;
    private final Map<String, Object> meters = new ConcurrentHashMap<>();

    public MicrometerKinesisMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void putRecordsAnswered(String channel, String stream, int entries, long latencyNanos,
            boolean requestFailed) {
        counter(REQUESTS, channel, stream, "outcome", requestFailed ? "failed" : "answered",
                "PutRecords requests answered, or failed as a whole").increment();
        meter(BATCH_SIZE, channel, stream, key -> DistributionSummary.builder(BATCH_SIZE)
                .description("Entries per PutRecords request").baseUnit("records")
                .tags("channel", channel, "stream", stream).register(registry), DistributionSummary.class)
                .record(entries);
        meter(LATENCY, channel, stream, key -> Timer.builder(LATENCY)
                .description("From sending a PutRecords request to its answer")
                .tags("channel", channel, "stream", stream).register(registry), Timer.class)
                .record(Duration.ofNanos(latencyNanos));
    }

    @Override
    public void recordsSent(String channel, String stream, int records, long bytes) {
        counter(RECORDS_SENT, channel, stream, null, null, "Messages stored by Kinesis").increment(records);
        counter(BYTES_SENT, channel, stream, null, null, "Bytes (data plus partition key) stored by Kinesis")
                .increment(bytes);
    }

    @Override
    public void recordsRetried(String channel, String stream, int records, int throttled) {
        counter(RECORDS_RETRIED, channel, stream, null, null, "Messages refused by Kinesis and sent again")
                .increment(records);
        if (throttled > 0) {
            counter(RECORDS_THROTTLED, channel, stream, null, null,
                    "Refusals because of the shard's throughput limit").increment(throttled);
        }
    }

    @Override
    public void recordsFailed(String channel, String stream, int records) {
        counter(RECORDS_FAILED, channel, stream, null, null, "Messages given up on (nacked) after a refusal")
                .increment(records);
    }

    private Counter counter(String name, String channel, String stream, String tag, String value, String description) {
        String key = name + '|' + channel + '|' + stream + '|' + value;
        return (Counter) meters.computeIfAbsent(key, k -> {
            Counter.Builder builder = Counter.builder(name).description(description).tags("channel", channel, "stream",
                    stream);
            if (tag != null) {
                builder.tag(tag, value);
            }
            return builder.register(registry);
        });
    }

    private <M> M meter(String name, String channel, String stream, Function<String, M> create, Class<M> type) {
        return type.cast(meters.computeIfAbsent(name + '|' + channel + '|' + stream, create::apply));
    }
}
