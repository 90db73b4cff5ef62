package io.quarkiverse.messaging.kinesis.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
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
    static final String RECORDS_RECEIVED = "kinesis.records.received";
    static final String BYTES_RECEIVED = "kinesis.bytes.received";
    static final String GET_RECORDS = "kinesis.getrecords.requests";
    static final String MILLIS_BEHIND = "kinesis.millis.behind.latest";
    static final String CHECKPOINTS = "kinesis.checkpoints.written";

    private final MeterRegistry registry;
    private final Map<String, Object> meters = new ConcurrentHashMap<>();
    /** The values behind the millis-behind-latest gauges, by channel, stream and shard. */
    private final Map<String, ShardGauge> behind = new ConcurrentHashMap<>();

    private record ShardGauge(AtomicLong millis, Gauge gauge) {
    }

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

    @Override
    public void getRecordsAnswered(String channel, String stream, String shardId, boolean failed) {
        counter(GET_RECORDS, channel, stream, "outcome", failed ? "failed" : "answered",
                "GetRecords calls answered, or failed").increment();
    }

    @Override
    public void recordsReceived(String channel, String stream, int records, long bytes) {
        counter(RECORDS_RECEIVED, channel, stream, null, null,
                "Records read from Kinesis, as stored (an aggregated record counts once)").increment(records);
        counter(BYTES_RECEIVED, channel, stream, null, null, "Data bytes of the records read from Kinesis")
                .increment(bytes);
    }

    @Override
    public void millisBehindLatest(String channel, String stream, String shardId, long millis) {
        behind.computeIfAbsent(channel + '|' + stream + '|' + shardId, key -> {
            AtomicLong value = new AtomicLong();
            Gauge gauge = Gauge.builder(MILLIS_BEHIND, value, AtomicLong::doubleValue)
                    .description("How far behind the tip of its shard the channel's reader is, in milliseconds")
                    .tags("channel", channel, "stream", stream, "shard", shardId).register(registry);
            return new ShardGauge(value, gauge);
        }).millis().set(millis);
    }

    @Override
    public void shardReadingStopped(String channel, String stream, String shardId) {
        ShardGauge gauge = behind.remove(channel + '|' + stream + '|' + shardId);
        if (gauge != null) {
            registry.remove(gauge.gauge());
        }
    }

    @Override
    public void checkpointWritten(String channel, String stream, String shardId) {
        counter(CHECKPOINTS, channel, stream, null, null, "Shard positions saved by the checkpoint store")
                .increment();
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
