package io.smallrye.reactive.messaging.kinesis.client;

import java.time.Duration;

import software.amazon.awssdk.http.nio.netty.Http2Configuration;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;

/**
 * The HTTP/2 settings of the Netty client of a fan-out channel, as the KCL 3.x sets them
 * ({@code KinesisClientUtil.adjustKinesisClientBuilder}). Each SubscribeToShard subscription holds one HTTP/2 stream
 * for its whole life (5 minutes, renewed at once), and the SDK counts streams against {@code maxConcurrency}: with its
 * default of 50, the 51st subscription of a node (shards of every fan-out channel on the client together) waits for a
 * stream that never comes, and so do the other calls of the client (ListShards, DescribeStreamConsumer).
 * <ul>
 * <li>max concurrency: unbounded unless the host configures one (the KCL's choice: the subscriptions are already
 * bounded by the shards a node holds, which change with resharding and balancing, and one client is shared by every
 * channel with the same region, endpoint and credentials, so a limit derived from one channel's shard count would be
 * wrong for the others);</li>
 * <li>initial window: 512 KiB per stream instead of the SDK's 1 MiB: what HTTP/2 flow control lets Kinesis send ahead
 * of a shard whose reader is not asking (the channel requests one event at a time), so memory stays bounded per shard
 * while one event of a shard at its 2 MB/s still fits in a few round trips;</li>
 * <li>health-check ping every 60 s instead of 5 s: a connection that carries subscriptions for minutes is checked
 * without a ping per connection every few seconds, and a briefly busy event loop does not close it (failing every
 * subscription on it).</li>
 * </ul>
 */
final class FanOutHttp {

    static final int INITIAL_WINDOW_SIZE_BYTES = 512 * 1024;
    static final Duration HEALTH_CHECK_PING_PERIOD = Duration.ofSeconds(60);

    private FanOutHttp() {
    }

    /** The configured maximum (the host knows its node), else unbounded. */
    static int maxConcurrency(KinesisClientSettings defaults) {
        return defaults.maxConcurrency().orElse(Integer.MAX_VALUE);
    }

    static Http2Configuration http2() {
        return Http2Configuration.builder().initialWindowSize(INITIAL_WINDOW_SIZE_BYTES)
                .healthCheckPingPeriod(HEALTH_CHECK_PING_PERIOD).build();
    }

    /** Applies the fan-out settings to a Netty client builder (HTTP/2 is chosen by the caller). */
    static void tune(NettyNioAsyncHttpClient.Builder http, KinesisClientSettings defaults) {
        http.maxConcurrency(maxConcurrency(defaults)).http2Configuration(http2());
    }
}
