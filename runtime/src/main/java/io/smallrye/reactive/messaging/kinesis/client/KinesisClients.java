package io.smallrye.reactive.messaging.kinesis.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.smallrye.reactive.messaging.kinesis.KinesisConnectorCommonConfiguration;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import io.smallrye.reactive.messaging.providers.connectors.ExecutionHolder;
import io.smallrye.reactive.messaging.providers.helpers.CDIUtils;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;

/**
 * The Kinesis clients of the connector: one per distinct (region, endpoint) configuration, shared by the channels
 * that use it and closed once at shutdown, or an application bean chosen with {@code client-bean} (never closed
 * here). Clients built here do their I/O on Vert.x's event loops, so threads do not grow with channels or shards.
 * Also owns the connector's single scheduler thread (batch timers, retries).
 */
@ApplicationScoped
public class KinesisClients {

    @Inject
    ExecutionHolder executionHolder;

    @Inject
    @Any
    Instance<KinesisAsyncClient> clientBeans;

    private final Map<String, KinesisAsyncClient> owned = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService scheduler;

    public synchronized void start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "smallrye-kinesis-scheduler");
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public KinesisAsyncClient clientFor(KinesisConnectorCommonConfiguration conf) {
        String beanId = conf.getClientBean().orElse(null);
        if (beanId != null) {
            Instance<KinesisAsyncClient> bean = CDIUtils.getInstanceById(clientBeans, beanId);
            if (!bean.isResolvable()) {
                throw KinesisExceptions.ex.clientBeanNotFound(beanId, conf.getChannel());
            }
            return bean.get();
        }
        String region = conf.getRegion().orElse(null);
        URI endpoint = conf.getEndpointOverride().map(value -> endpoint(conf.getChannel(), value)).orElse(null);
        return owned.computeIfAbsent(region + "|" + endpoint, key -> build(region, endpoint));
    }

    /** The region a client talks to, for messages; "(unknown region)" when the client does not say. */
    public static String regionOf(KinesisAsyncClient client) {
        try {
            return String.valueOf(client.serviceClientConfiguration().region());
        } catch (RuntimeException e) {
            return "(unknown region)";
        }
    }

    private static URI endpoint(String channel, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(value, "no scheme or host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "endpoint-override", value,
                    "an absolute URI such as https://kinesis.eu-west-1.amazonaws.com or http://localhost:4567");
        }
    }

    private KinesisAsyncClient build(String region, URI endpoint) {
        KinesisAsyncClientBuilder builder = KinesisAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .eventLoopGroup(SdkEventLoopGroup.create(executionHolder.vertx().getDelegate()
                                .nettyEventLoopGroup())));
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /** Closes the clients built here and stops the scheduler; called after the channels have flushed. */
    public synchronized void close() {
        owned.values().forEach(client -> {
            try {
                client.close();
            } catch (RuntimeException e) {
                KinesisLogging.log.clientCloseFailed(e);
            }
        });
        owned.clear();
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
