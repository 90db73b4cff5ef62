package io.quarkiverse.messaging.kinesis.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;

/**
 * The channels' metrics in Micrometer, tagged with {@code channel} and {@code stream}: {@code kinesis.producer.*} for
 * the outgoing channels, {@code kinesis.consumer.*} for the incoming ones (the split the Kafka client's meters make).
 * Names follow Micrometer's naming guide: lower-case, dot-separated, naming what is measured, never the unit, which is
 * the meter's base unit (seconds for timers and the lag, bytes, records), so a registry adds its own suffixes
 * (Prometheus: {@code kinesis_producer_data_sent_bytes_total}, {@code kinesis_consumer_lag_seconds}).
 * <p>
 * Registered as a bean by the deployment processor only when quarkus-micrometer is present and
 * {@code quarkus.messaging.kinesis.metrics.enabled} is true (no bean-defining annotation here on purpose: without
 * Micrometer this class must stay unloaded).
 */
public class MicrometerKinesisMetrics implements KinesisMetrics {

    static final String PRODUCER_RECORDS = "kinesis.producer.records";
    static final String PRODUCER_THROTTLED = "kinesis.producer.throttled";
    static final String PRODUCER_DATA = "kinesis.producer.data.sent";
    static final String PRODUCER_REQUESTS = "kinesis.producer.requests";
    static final String PRODUCER_BATCH_SIZE = "kinesis.producer.batch.size";
    static final String CONSUMER_RECORDS = "kinesis.consumer.records";
    static final String CONSUMER_DATA = "kinesis.consumer.data.received";
    static final String CONSUMER_REQUESTS = "kinesis.consumer.requests";
    static final String CONSUMER_EVENTS = "kinesis.consumer.events";
    static final String CONSUMER_SUBSCRIPTIONS = "kinesis.consumer.subscriptions";
    static final String CONSUMER_LAG = ConsumerLagGauges.LAG;
    static final String CONSUMER_LAG_MAX = ConsumerLagGauges.LAG_MAX;
    static final String CONSUMER_CHECKPOINTS = "kinesis.consumer.checkpoints";

    static final String RECORDS = "records";
    static final String BYTES = "bytes";

    private static final String PRODUCER_RECORDS_DESCRIPTION = "PutRecords entries by outcome: 'sent' (stored by "
            + "Kinesis), 'retried' (refused, queued again), 'failed' (refused, nacked)";

    private final MeterRegistry registry;
    private final Map<String, Object> meters = new ConcurrentHashMap<>();
    private final ConsumerLagGauges lag;

    public MicrometerKinesisMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lag = new ConsumerLagGauges(registry);
    }

    @Override
    public void putRecordsAnswered(String channel, String stream, int entries, long latencyNanos,
            boolean requestFailed) {
        String outcome = requestFailed ? "failed" : "answered";
        meter(Timer.class, PRODUCER_REQUESTS, channel, stream, outcome, () -> Timer.builder(PRODUCER_REQUESTS)
                .description("PutRecords requests, from sending to the answer; outcome 'answered' (per-entry "
                        + "results, some may be refused) or 'failed' (no answer, the request failed as a whole)")
                .tags("channel", channel, "stream", stream, "outcome", outcome).register(registry))
                .record(Duration.ofNanos(latencyNanos));
        meter(DistributionSummary.class, PRODUCER_BATCH_SIZE, channel, stream, null,
                () -> DistributionSummary.builder(PRODUCER_BATCH_SIZE)
                        .description("Entries per PutRecords request").baseUnit(RECORDS)
                        .tags("channel", channel, "stream", stream).register(registry))
                .record(entries);
    }

    @Override
    public void recordsSent(String channel, String stream, int records, long bytes) {
        counter(PRODUCER_RECORDS, channel, stream, "sent", RECORDS, PRODUCER_RECORDS_DESCRIPTION).increment(records);
        counter(PRODUCER_DATA, channel, stream, null, BYTES,
                "Bytes (data plus partition key) of the records stored by Kinesis").increment(bytes);
    }

    @Override
    public void recordsRetried(String channel, String stream, int records, int throttled) {
        if (records > 0) {
            counter(PRODUCER_RECORDS, channel, stream, "retried", RECORDS, PRODUCER_RECORDS_DESCRIPTION)
                    .increment(records);
        }
        if (throttled > 0) {
            counter(PRODUCER_THROTTLED, channel, stream, null, RECORDS,
                    "PutRecords entries refused because of the shard's throughput limit, retried or not")
                    .increment(throttled);
        }
    }

    @Override
    public void recordsFailed(String channel, String stream, int records) {
        counter(PRODUCER_RECORDS, channel, stream, "failed", RECORDS, PRODUCER_RECORDS_DESCRIPTION).increment(records);
    }

    @Override
    public void getRecordsAnswered(String channel, String stream, String shardId, boolean failed) {
        counter(CONSUMER_REQUESTS, channel, stream, failed ? "failed" : "answered", null,
                "GetRecords calls of the channel's shard readers; outcome 'answered' or 'failed' (throttled included)")
                .increment();
    }

    @Override
    public void subscribeToShardEvent(String channel, String stream, String shardId) {
        counter(CONSUMER_EVENTS, channel, stream, null, null,
                "SubscribeToShard events received by the channel's shard readers (enhanced fan-out), empty ones included")
                .increment();
    }

    @Override
    public void subscriptionAnswered(String channel, String stream, String shardId, String outcome) {
        counter(CONSUMER_SUBSCRIPTIONS, channel, stream, outcome, null,
                "SubscribeToShard subscriptions of the channel's shard readers (enhanced fan-out); outcome 'opened' "
                        + "(first event of a subscription placed at a checkpoint or the starting position), 'renewed' "
                        + "(first event of a subscription after the previous one's last event) or 'failed'")
                .increment();
    }

    @Override
    public void recordsReceived(String channel, String stream, int records, long bytes) {
        counter(CONSUMER_RECORDS, channel, stream, null, RECORDS,
                "Records read from Kinesis, as stored (a KPL aggregated record counts once)").increment(records);
        counter(CONSUMER_DATA, channel, stream, null, BYTES, "Data bytes of the records read from Kinesis")
                .increment(bytes);
    }

    @Override
    public void millisBehindLatest(String channel, String stream, String shardId, long millis) {
        lag.update(channel, stream, shardId, millis);
    }

    @Override
    public void shardReadingStopped(String channel, String stream, String shardId) {
        lag.remove(channel, stream, shardId);
    }

    @Override
    public void checkpointWritten(String channel, String stream, String shardId) {
        counter(CONSUMER_CHECKPOINTS, channel, stream, null, null, "Shard positions saved by the checkpoint store")
                .increment();
    }

    /** A counter tagged with the channel, the stream and, unless null, the outcome. */
    private Counter counter(String name, String channel, String stream, String outcome, String baseUnit,
            String description) {
        return meter(Counter.class, name, channel, stream, outcome, () -> {
            Counter.Builder builder = Counter.builder(name).description(description).baseUnit(baseUnit)
                    .tags("channel", channel, "stream", stream);
            if (outcome != null) {
                builder.tag("outcome", outcome);
            }
            return builder.register(registry);
        });
    }

    private <M> M meter(Class<M> type, String name, String channel, String stream, String outcome, Supplier<M> create) {
        return type.cast(meters.computeIfAbsent(name + '|' + channel + '|' + stream + '|' + outcome,
                key -> create.get()));
    }
}
