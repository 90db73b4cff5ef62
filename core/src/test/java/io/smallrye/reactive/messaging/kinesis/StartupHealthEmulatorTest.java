package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * The startup check against kinesis-mock: an outgoing channel is started once its Emitter is attached; an incoming
 * channel once its first shard listing is done, so not while its stream does not exist yet.
 */
@ExtendWith(KinesisMockExtension.class)
class StartupHealthEmulatorTest extends WeldTestBase {

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    private static MapBasedConfig channels(String inStream, String outStream) {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.orders-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.orders-in.stream", inStream)
                .with("mp.messaging.incoming.orders-in.region", kinesis.region())
                .with("mp.messaging.incoming.orders-in.endpoint-override", kinesis.endpoint().toString())
                .with("mp.messaging.incoming.orders-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.orders-in.max-retry-backoff", "500ms")
                .with("mp.messaging.outgoing.orders-out.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.outgoing.orders-out.stream", outStream)
                .with("mp.messaging.outgoing.orders-out.region", kinesis.region())
                .with("mp.messaging.outgoing.orders-out.endpoint-override", kinesis.endpoint().toString());
    }

    private static HealthReport.ChannelInfo channel(HealthReport report, String name) {
        return report.getChannels().stream().filter(info -> info.getChannel().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void bothChannelsAreStartedOnceAttachedAndTheIncomingOneOnceItListedTheShards() {
        String stream = "start-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 2);
        Orders app = runApplication(channels(stream, stream), Orders.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> connector().getStartup().isOk());
        HealthReport startup = connector().getStartup();
        assertThat(startup.getChannels()).extracting(HealthReport.ChannelInfo::getChannel)
                .containsExactlyInAnyOrder("orders-in", "orders-out");
        assertThat(get(HealthCenter.class).getStartup().isOk()).isTrue();

        app.send("after start");
        await().atMost(Duration.ofSeconds(20)).until(() -> app.received().contains("after start"));
    }

    @Test
    void anIncomingChannelIsNotStartedWhileItsStreamDoesNotExistThenStartsWhenItIsCreated() {
        String later = "start-later-" + UUID.randomUUID().toString().substring(0, 8);
        String existing = "start-out-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(existing, 1);
        runApplication(channels(later, existing), Orders.class);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HealthReport startup = connector().getStartup();
            assertThat(startup.isOk()).isFalse();
            assertThat(channel(startup, "orders-out").isOk()).isTrue();
            HealthReport.ChannelInfo in = channel(startup, "orders-in");
            assertThat(in.isOk()).isFalse();
            assertThat(in.getMessage()).contains("first listing of the shards").contains(later)
                    .contains(kinesis.region()).contains("ResourceNotFoundException");
        });
        assertThat(get(HealthCenter.class).getStartup().isOk()).isFalse();

        kinesis.createStream(later, 1);

        await().atMost(Duration.ofSeconds(30)).until(() -> connector().getStartup().isOk());
        assertThat(get(HealthCenter.class).getStartup().isOk()).isTrue();
    }

    @ApplicationScoped
    public static class Orders {
        private final List<String> received = new CopyOnWriteArrayList<>();

        @Inject
        @Channel("orders-out")
        Emitter<String> emitter;

        void send(String order) {
            emitter.send(order);
        }

        List<String> received() {
            return List.copyOf(received);
        }

        @Incoming("orders-in")
        void consume(byte[] payload) {
            received.add(new String(payload, StandardCharsets.UTF_8));
        }
    }
}
