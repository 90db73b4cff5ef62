package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.deployment.IsDockerWorking;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorCommonConfiguration;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The container provider: kinesis-mock's image through Testcontainers, the channel's stream created in it. Needs a
 * container runtime: on machines without one (the project's CI has no Docker daemon) this test is reported as
 * skipped, with the reason, never as passed.
 */
@EnabledIf(value = "containerRuntimeReachable", disabledReason = "no container runtime (Docker or Podman) is "
        + "reachable on this machine: the container provider of Dev Services cannot be started here")
class DevServicesContainerProviderTest {

    static boolean containerRuntimeReachable() {
        try {
            return new IsDockerWorking().getAsBoolean(); // the detection Dev Services use
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.devservices.provider", "container")
            .overrideConfigKey("quarkus.messaging.kinesis.devservices.shards", "2");

    @Inject
    KinesisClients clients;

    @Test
    void theStreamIsCreatedInTheContainer() throws Exception {
        assertThat(ConfigProvider.getConfig().getValue("quarkus.messaging.kinesis.endpoint-override", String.class))
                .startsWith("http://");
        Map<String, String> values = new HashMap<>();
        values.put("channel-name", "probe");
        var summary = clients.clientFor(new KinesisConnectorCommonConfiguration(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(values, "test", 100)).build()))
                .describeStreamSummary(r -> r.streamName(OrdersApp.CHANNEL)).get(10, TimeUnit.SECONDS)
                .streamDescriptionSummary();
        assertThat(summary.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
        assertThat(summary.openShardCount()).isEqualTo(2);
    }
}
