package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.weld.environment.se.WeldContainer;

import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The connector as an application runs it: SmallRye Reactive Messaging in a Weld container (as in the runtime's
 * tests), an {@code Emitter<byte[]>} on the outgoing channel {@value #CHANNEL}, and the Kinesis client given here
 * (through {@code client-bean}). {@link #send} respects the channel's backpressure: it waits while the channel asks for
 * nothing, as a producer that must not lose messages does.
 */
final class WeldApp implements AutoCloseable {

    static final String CHANNEL = "bench";

    private final WeldContainer container;
    private final Emitter<byte[]> emitter;
    final LongAdder acked = new LongAdder();
    final LongAdder nacked = new LongAdder();
    private final Supplier<CompletionStage<Void>> ack = () -> {
        acked.increment();
        return CompletableFuture.completedFuture(null);
    };
    private final Function<Throwable, CompletionStage<Void>> nack = reason -> {
        nacked.increment();
        return CompletableFuture.completedFuture(null);
    };
    /** Times {@link #send} found no demand and waited. */
    long waits;

    @ApplicationScoped
    public static class Sender {
        @Inject
        @Channel(CHANNEL)
        // no buffer in the Emitter: the channel's demand is the only bound, and send() checks it
        @OnOverflow(OnOverflow.Strategy.NONE)
        Emitter<byte[]> emitter;

        Emitter<byte[]> emitter() {
            return emitter;
        }
    }

    /**
     * @param kinesis the client the channel uses
     * @param attributes the channel's connector attributes (stream, aggregation...)
     */
    WeldApp(KinesisAsyncClient kinesis, Map<String, String> attributes) {
        ClientBean.use(kinesis);
        Map<String, String> properties = new HashMap<>();
        String prefix = "mp.messaging.outgoing." + CHANNEL + ".";
        properties.put(prefix + "connector", KinesisConnector.CONNECTOR_NAME);
        properties.put(prefix + "client-bean", ClientBean.IDENTIFIER);
        attributes.forEach((name, value) -> properties.put(prefix + name, value));
        container = WeldBoot.start(properties, ClientBean.class, Sender.class);
        emitter = container.select(Sender.class).get().emitter();
    }

    /** Whether the channel asks for messages now. */
    boolean hasDemand() {
        return emitter.hasRequests();
    }

    /** Sends a message whose ack and nack are counted, after waiting for demand (spinning, then parking). */
    void send(byte[] payload) {
        awaitDemand();
        emitter.send(Message.of(payload, Metadata.empty(), ack, nack));
    }

    /** Sends a message whose ack and nack are counted if the channel asks for one now; else returns false. */
    boolean trySend(byte[] payload) {
        if (!emitter.hasRequests()) {
            return false;
        }
        emitter.send(Message.of(payload, Metadata.empty(), ack, nack));
        return true;
    }

    private void awaitDemand() {
        if (!emitter.hasRequests()) {
            waits++;
            int spins = 0;
            while (!emitter.hasRequests()) {
                if (++spins < 100) {
                    Thread.onSpinWait();
                } else {
                    // the emulator and the client's I/O threads share the machine's two cores: do not spin on them
                    LockSupport.parkNanos(20_000);
                }
            }
        }
    }

    /** Shuts the container down: the channel flushes (within its shutdown-timeout). */
    @Override
    public void close() {
        WeldBoot.stop(container);
    }
}
