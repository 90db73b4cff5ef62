package io.quarkiverse.messaging.kinesis.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;

/**
 * The consumer lag of the incoming channels as {@link TimeGauge}s (base unit seconds, fed with the milliseconds Kinesis
 * answers): one per shard being read ({@value #LAG}, tagged {@code channel}, {@code stream}, {@code shard}) and one per
 * channel and stream with the highest of its shards ({@value #LAG_MAX}, what an alert watches; its tags do not grow
 * with the shard count).
 */
final class ConsumerLagGauges {

    static final String LAG = "kinesis.consumer.lag";
    static final String LAG_MAX = "kinesis.consumer.lag.max";

    private final MeterRegistry registry;
    private final Map<String, ChannelLag> channels = new ConcurrentHashMap<>();

    /** The lag of each shard a channel reads, by shard id; the per-shard gauges read these values. */
    private record ChannelLag(Map<String, ShardLag> shards) {

        double maxMillis() {
            return shards.values().stream().mapToLong(shard -> shard.millis().get()).max().orElse(0);
        }
    }

    private record ShardLag(AtomicLong millis, TimeGauge gauge) {
    }

    ConsumerLagGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    void update(String channel, String stream, String shardId, long millis) {
        ChannelLag lag = channels.computeIfAbsent(channel + '|' + stream, key -> {
            ChannelLag created = new ChannelLag(new ConcurrentHashMap<>());
            TimeGauge.builder(LAG_MAX, created, TimeUnit.MILLISECONDS, ChannelLag::maxMillis)
                    .description("The highest consumer lag over the shards the channel reads: how far behind the tip "
                            + "of its stream the channel is, 0 when caught up or reading no shard")
                    .tags("channel", channel, "stream", stream).register(registry);
            return created;
        });
        lag.shards().computeIfAbsent(shardId, key -> {
            AtomicLong value = new AtomicLong();
            TimeGauge gauge = TimeGauge.builder(LAG, value, TimeUnit.MILLISECONDS, AtomicLong::doubleValue)
                    .description("How far behind the tip of its shard the channel's reader is (Kinesis's "
                            + "MillisBehindLatest of its last GetRecords answer), 0 when caught up")
                    .tags("channel", channel, "stream", stream, "shard", shardId).register(registry);
            return new ShardLag(value, gauge);
        }).millis().set(millis);
    }

    /** The channel stopped reading the shard: its gauge goes, and it no longer counts in the channel's maximum. */
    void remove(String channel, String stream, String shardId) {
        ChannelLag lag = channels.get(channel + '|' + stream);
        ShardLag shard = lag == null ? null : lag.shards().remove(shardId);
        if (shard != null) {
            registry.remove(shard.gauge());
        }
    }
}
