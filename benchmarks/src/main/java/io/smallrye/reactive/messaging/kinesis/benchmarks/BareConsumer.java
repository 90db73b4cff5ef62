package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.inject.Any;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.weld.environment.se.WeldContainer;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisBatchMessage;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisFailureHandler;
import io.smallrye.reactive.messaging.kinesis.incoming.KinesisInboundChannel;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadCodecs;
import io.smallrye.reactive.messaging.providers.impl.ConnectorConfig;
import io.smallrye.reactive.messaging.providers.locals.ContextAwareMessage;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The bare incoming channel, without SmallRye's mediator: a {@link KinesisInboundChannel} read by a subscriber that
 * acks each message on the message's context (as the mediator does) and requests more in batches. The failure strategies
 * and checkpoint stores come from a Weld container with no channel, as the connector gets them.
 */
final class BareConsumer implements AutoCloseable {

    private static final int REQUEST_BATCH = 256;

    private final WeldContainer container;
    private final Vertx vertx;
    private final KinesisInboundChannel channel;
    final LongAdder acked = new LongAdder();

    BareConsumer(KinesisAsyncClient client, Map<String, String> attributes) {
        container = WeldBoot.start(Map.of());
        vertx = Vertx.vertx();
        channel = new KinesisInboundChannel(incoming("bench-bare", attributes), client, vertx,
                container.select(KinesisFailureHandler.Factory.class, Any.Literal.INSTANCE),
                container.select(CheckpointStore.Factory.class, Any.Literal.INSTANCE), new PayloadCodecs(null),
                KinesisMetrics.NONE);
        channel.getStream().subscribe(new Flow.Subscriber<Message<?>>() {
            private Flow.Subscription subscription;
            private int left;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                left = REQUEST_BATCH;
                s.request(REQUEST_BATCH);
            }

            @Override
            public void onNext(Message<?> message) {
                // as SmallRye's mediator does: the message is processed and acked on its own context, a task of the
                // channel's event loop (acking synchronously here, on the channel's context, would make each ack
                // hop onto the message's context while this loop keeps the event loop busy)
                ((ContextAwareMessage<?>) message).runOnMessageContext(() -> {
                    message.ack();
                    acked.add(message instanceof IncomingKinesisBatchMessage<?> batch ? batch.getPayload().size() : 1);
                    if (--left == REQUEST_BATCH / 2) {
                        left += REQUEST_BATCH / 2;
                        subscription.request(REQUEST_BATCH / 2);
                    }
                });
            }

            @Override
            public void onError(Throwable failure) {
                failure.printStackTrace();
            }

            @Override
            public void onComplete() {
            }
        });
    }

    private static KinesisConnectorIncomingConfiguration incoming(String channel, Map<String, String> attributes) {
        Map<String, String> properties = new HashMap<>();
        properties.put("mp.messaging.incoming." + channel + ".connector", KinesisConnector.CONNECTOR_NAME);
        attributes.forEach((name, value) -> properties.put("mp.messaging.incoming." + channel + "." + name, value));
        Config overall = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "benchmark", 500))
                .build();
        return new KinesisConnectorIncomingConfiguration(
                new ConnectorConfig("mp.messaging.incoming.", overall, KinesisConnector.CONNECTOR_NAME, channel) {
                });
    }

    @Override
    public void close() {
        channel.close();
        vertx.close();
        WeldBoot.stop(container);
    }
}
