package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.client.AllLogs;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClientSettings;
import io.smallrye.reactive.messaging.kinesis.client.LoopbackServer;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * How long stopping the container takes beyond the outgoing flush, and that it logs no ERROR: with healthy idle
 * channels, after an incoming channel failed, and with a request Kinesis never answers on an HTTP/2 connection.
 */
@ExtendWith(KinesisMockExtension.class)
class StopTimeTest extends WeldTestBase {

    private static final Duration BEYOND_FLUSH = Duration.ofSeconds(1);

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    private static String newStream() {
        String stream = "stop-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 1);
        return stream;
    }

    private static MapBasedConfig channels(String stream) {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.orders-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.orders-in.stream", stream)
                .with("mp.messaging.incoming.orders-in.starting-position", "trim_horizon")
                .with("mp.messaging.outgoing.orders-out.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.outgoing.orders-out.stream", stream)
                .with("mp.messaging.connector.smallrye-kinesis.region", kinesis.region())
                .with("mp.messaging.connector.smallrye-kinesis.endpoint-override", kinesis.endpoint().toString());
    }

    /** Stops the container; the time it took. */
    private Duration stop() {
        long started = System.nanoTime();
        container.shutdown();
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Test
    void anIdleApplicationStopsAtOnceWithoutError() {
        String stream = newStream();
        App app = runApplication(channels(stream), App.class);
        app.send("m-0");
        await().atMost(Duration.ofSeconds(20)).until(() -> app.received().contains("m-0"));

        try (AllLogs logs = AllLogs.atWarn()) {
            Duration took = stop();
            System.out.printf("StopTimeTest: idle application stopped in %d ms%n", took.toMillis());
            assertThat(took).isLessThan(BEYOND_FLUSH);
            assertThat(logs.errors()).isEmpty();
        }
    }

    @Test
    void anApplicationWhoseIncomingChannelFailedStopsAtOnceWithoutError() {
        String stream = newStream();
        StreamWriter.putAll(kinesis.client(), stream,
                IntStream.range(0, 5).mapToObj(i -> StreamWriter.entry("key-" + i, "m-" + i)).toList());
        App app = runApplication(channels(stream).with("mp.messaging.incoming.orders-in.failure-strategy", "fail"),
                App.class);
        // m-3 is nacked: failure-strategy fail stops the channel
        await().atMost(Duration.ofSeconds(20)).until(() -> !connector().getLiveness().isOk());

        try (AllLogs logs = AllLogs.atWarn()) {
            Duration took = stop();
            System.out.printf("StopTimeTest: application with a failed channel stopped in %d ms%n", took.toMillis());
            assertThat(took).isLessThan(BEYOND_FLUSH);
            assertThat(logs.errors()).isEmpty();
        }
    }

    @Test
    void aRequestNeverAnsweredOnAnHttp2ConnectionDelaysTheStopOnlyByTheShutdownTimeout() {
        try (LoopbackServer server = new LoopbackServer(LoopbackServer.Mode.HANG)) {
            addBeans(Http2Settings.class);
            Sender app = runApplication(new MapBasedConfig()
                    .with("mp.messaging.outgoing.orders-out.connector", KinesisConnector.CONNECTOR_NAME)
                    .with("mp.messaging.outgoing.orders-out.stream", "orders")
                    .with("mp.messaging.outgoing.orders-out.buffer-time", "10ms")
                    .with("mp.messaging.outgoing.orders-out.shutdown-timeout", "300ms")
                    .with("mp.messaging.outgoing.orders-out.region", "us-east-1")
                    .with("mp.messaging.outgoing.orders-out.endpoint-override", server.endpoint().toString()),
                    Sender.class);
            app.send("m-0");
            await().atMost(Duration.ofSeconds(10)).until(() -> server.connections() > 0);

            try (AllLogs logs = AllLogs.atWarn()) {
                Duration took = stop();
                System.out.printf("StopTimeTest: stop with an unanswered HTTP/2 request took %d ms "
                        + "(shutdown-timeout 300 ms)%n", took.toMillis());
                assertThat(took).isLessThan(Duration.ofMillis(300).plus(BEYOND_FLUSH));
                // the nack of the unanswered message is the one expected ERROR (SRKIN1005)
                assertThat(logs.errors()).allSatisfy(line -> assertThat(line).contains("SRKIN1005"));
            }
        }
    }

    @ApplicationScoped
    public static class App {
        @Inject
        @Channel("orders-out")
        Emitter<String> emitter;

        void send(String payload) {
            emitter.send(payload);
        }

        private final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return List.copyOf(received);
        }

        @Incoming("orders-in")
        void consume(String payload) {
            received.add(payload);
            if (payload.equals("m-3")) {
                throw new IllegalStateException("poisoned " + payload);
            }
        }
    }

    @ApplicationScoped
    public static class Sender {
        @Inject
        @Channel("orders-out")
        Emitter<String> emitter;

        void send(String payload) {
            emitter.send(payload);
        }
    }

    /** HTTP/2 for the clients, as against Kinesis over https. */
    @ApplicationScoped
    public static class Http2Settings {
        @Produces
        @ApplicationScoped
        KinesisClientSettings settings() {
            return new KinesisClientSettings() {
                @Override
                public Optional<String> httpProtocol() {
                    return Optional.of(HTTP2);
                }

                @Override
                public Optional<String> credentials(String key) {
                    return switch (key) {
                        case "type" -> Optional.of("static");
                        case "access-key-id" -> Optional.of("id");
                        case "secret-access-key" -> Optional.of("secret");
                        default -> Optional.empty();
                    };
                }
            };
        }
    }
}
