package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.messaging.kinesis.deployment.devservices.SharedEmulators;
import io.quarkiverse.messaging.kinesis.emulator.EmulatorCache;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorCommonConfiguration;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * No endpoint configured: Dev Services run kinesis-mock as a Node.js process (installed with npm on first use),
 * create the channel's stream with the configured shard count, and the channel writes to it.
 */
class DevServicesProcessProviderTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            // no endpoint, region or credentials anywhere
            .overrideConfigKey("quarkus.messaging.kinesis.devservices.shards", "2")
            .overrideConfigKey("quarkus.messaging.kinesis.devservices.stream-shards.audit", "3");

    @Inject
    KinesisClients clients;

    @Inject
    OrdersApp app;

    @Test
    void devServicesConfigureTheEmulator() {
        Config config = ConfigProvider.getConfig();
        assertThat(config.getValue("quarkus.messaging.kinesis.endpoint-override", String.class))
                .startsWith("http://localhost:");
        assertThat(config.getValue("quarkus.messaging.kinesis.region", String.class)).isEqualTo("us-east-1");
        assertThat(config.getValue("quarkus.messaging.kinesis.credentials.type", String.class)).isEqualTo("static");
    }

    @Test
    void testsDoNotShareTheirEmulator() {
        String endpoint = ConfigProvider.getConfig().getValue("quarkus.messaging.kinesis.endpoint-override", String.class);
        assertThat(new SharedEmulators(EmulatorCache.defaultDirectory()).find("kinesis")
                .filter(registration -> registration.endpoint().equals(endpoint)))
                .as("a registration of this test's emulator").isEmpty();
    }

    @Test
    void streamsAreCreatedWithTheirShards() throws Exception {
        KinesisAsyncClient client = clients.clientFor(channel());
        StreamDescriptionSummary orders = client.describeStreamSummary(r -> r.streamName(OrdersApp.CHANNEL))
                .get(10, TimeUnit.SECONDS).streamDescriptionSummary();
        assertThat(orders.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
        assertThat(orders.openShardCount()).isEqualTo(2);
        StreamDescriptionSummary audit = client.describeStreamSummary(r -> r.streamName("audit"))
                .get(10, TimeUnit.SECONDS).streamDescriptionSummary();
        assertThat(audit.openShardCount()).isEqualTo(3);
    }

    @Test
    void theChannelWritesToTheEmulator() throws Exception {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        app.send(Message.of("hello".getBytes(), Metadata.of(OutgoingKinesisMetadata.builder().partitionKey("k").build()),
                () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                }, reason -> {
                    acked.completeExceptionally(reason);
                    return CompletableFuture.completedFuture(null);
                }));
        acked.get(Duration.ofSeconds(20).toSeconds(), TimeUnit.SECONDS);
    }

    private static KinesisConnectorCommonConfiguration channel() {
        Map<String, String> values = new HashMap<>();
        values.put("channel-name", "test-channel");
        return new KinesisConnectorCommonConfiguration(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(values, "test", 100)).build());
    }
}
