package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.ConnectorLiteral;
import org.jboss.weld.environment.se.WeldContainer;

import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The connector's consumer as an application runs it: SmallRye Reactive Messaging in a Weld container, an
 * {@code @Incoming} method on the incoming channel {@value #CHANNEL} that hands each payload to a {@link Sink} and
 * acks the message, and the Kinesis client given here (through {@code client-bean}). One at a time per JVM.
 */
final class ConsumerApp implements AutoCloseable {

    static final String CHANNEL = "bench-in";

    /** What the application does with a payload (on the channel's event loop). */
    interface Sink {
        void accept(byte[] payload);
    }

    private static volatile Sink sink = payload -> {
    };
    static final LongAdder RECEIVED = new LongAdder();

    @ApplicationScoped
    public static class Receiver {
        @Incoming(CHANNEL)
        public CompletionStage<Void> receive(Message<byte[]> message) {
            sink.accept(message.getPayload());
            RECEIVED.increment();
            return message.ack();
        }
    }

    private final WeldContainer container;

    /**
     * @param kinesis the client the channel uses
     * @param attributes the channel's connector attributes (stream, max-pending-records...)
     */
    ConsumerApp(KinesisAsyncClient kinesis, Map<String, String> attributes, Sink payloads) {
        ClientBean.use(kinesis);
        sink = payloads;
        Map<String, String> properties = new HashMap<>();
        String prefix = "mp.messaging.incoming." + CHANNEL + ".";
        properties.put(prefix + "connector", KinesisConnector.CONNECTOR_NAME);
        properties.put(prefix + "client-bean", ClientBean.IDENTIFIER);
        attributes.forEach((name, value) -> properties.put(prefix + name, value));
        container = WeldBoot.start(properties, ClientBean.class, Receiver.class);
    }

    /**
     * Whether the channel reads every shard: the connector's readiness, which it reports once the shards listed at
     * start each got their first iterator.
     */
    boolean ready() {
        KinesisConnector connector = container.select(KinesisConnector.class,
                ConnectorLiteral.of(KinesisConnector.CONNECTOR_NAME)).get();
        return connector.getReadiness().isOk();
    }

    /** Messages received (and acked) so far, by every consumer app of this JVM. */
    static long received() {
        return RECEIVED.sum();
    }

    /** Shuts the container down: the channel stops its readers and saves its checkpoints. */
    @Override
    public void close() {
        WeldBoot.stop(container);
        sink = payload -> {
        };
    }
}
