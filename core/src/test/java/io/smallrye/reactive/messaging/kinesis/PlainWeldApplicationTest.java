package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.kinesis.test.SystemProperties;

/**
 * The connector as a SmallRye Reactive Messaging application without Quarkus uses it: Weld discovers the beans of the
 * class path's bean archives (the connector jar and SmallRye's provider carry a {@code META-INF/beans.xml}), the
 * channels are configured with MicroProfile Config properties only (system properties here, as the emulator's port is
 * known only at run time), and the application is an {@code Emitter} and an {@code @Incoming} method. Unlike the
 * other Weld tests ({@link WeldTestBase}), nothing of the connector or of SmallRye is registered by hand.
 */
@ExtendWith(KinesisMockExtension.class)
class PlainWeldApplicationTest {

    static final int MESSAGES = 200;

    private SystemProperties configuration;
    private WeldContainer container;

    @BeforeEach
    void freshConfig() {
        // as in a new JVM: the configuration is built from the properties set below, not one built by an earlier test
        releaseConfig();
    }

    @AfterEach
    void stop() {
        if (container != null && container.isRunning()) {
            container.shutdown();
        }
        if (configuration != null) {
            configuration.restore();
        }
        releaseConfig();
    }

    @Test
    void anEmitterSendsAndAnIncomingMethodReceivesEveryMessageThroughTheEmulator(KinesisMock kinesis) throws Exception {
        String stream = "plain-weld-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 2);
        Map<String, String> properties = new HashMap<>();
        String connector = "mp.messaging.connector." + KinesisConnector.CONNECTOR_NAME + ".";
        properties.put(connector + "region", kinesis.region());
        properties.put(connector + "endpoint-override", kinesis.endpoint().toString());
        properties.put(connector + "credentials-type", "static");
        properties.put(connector + "credentials-access-key-id", KinesisMock.ACCESS_KEY_ID);
        properties.put(connector + "credentials-secret-access-key", KinesisMock.SECRET_ACCESS_KEY);
        properties.put("mp.messaging.outgoing.orders-out.connector", KinesisConnector.CONNECTOR_NAME);
        properties.put("mp.messaging.outgoing.orders-out.stream", stream);
        properties.put("mp.messaging.outgoing.orders-out.buffer-time", "50ms");
        properties.put("mp.messaging.incoming.orders-in.connector", KinesisConnector.CONNECTOR_NAME);
        properties.put("mp.messaging.incoming.orders-in.stream", stream);
        properties.put("mp.messaging.incoming.orders-in.starting-position", "trim_horizon");
        configuration = SystemProperties.set(properties);
        // the application's main reads its configuration first: SmallRye Config's @ConfigProperty producer only finds
        // a configuration created before (SmallRye Reactive Messaging's extension may read one before SmallRye
        // Config's own extension creates it, the order of their observers being unspecified)
        ConfigProvider.getConfig();

        container = new Weld().addBeanClasses(OrderSender.class, OrderReceiver.class).initialize();
        OrderSender sender = container.select(OrderSender.class).get();
        OrderReceiver receiver = container.select(OrderReceiver.class).get();

        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            acks.add(sender.send("order-" + i));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        Set<String> sent = new HashSet<>();
        for (int i = 0; i < MESSAGES; i++) {
            sent.add("order-" + i);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(receiver.received()).isEqualTo(sent));
    }

    private static void releaseConfig() {
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        try {
            resolver.releaseConfig(ConfigProvider.getConfig());
        } catch (IllegalStateException | IllegalArgumentException none) {
            // no configuration yet
        }
    }

    /** Sends orders to Kinesis. */
    @ApplicationScoped
    public static class OrderSender {

        @Inject
        @Channel("orders-out")
        Emitter<String> orders;

        CompletableFuture<Void> send(String order) {
            return orders.send(order).toCompletableFuture();
        }
    }

    /** Receives the orders (as text: the connector's String converter reads the record data as UTF-8). */
    @ApplicationScoped
    public static class OrderReceiver {

        private final Set<String> received = ConcurrentHashMap.newKeySet();

        @Incoming("orders-in")
        void receive(String order) {
            received.add(order);
        }

        Set<String> received() {
            return Set.copyOf(received);
        }
    }
}
