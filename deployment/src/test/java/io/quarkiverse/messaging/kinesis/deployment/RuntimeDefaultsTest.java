package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorCommonConfiguration;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * {@code quarkus.messaging.kinesis.*} are the defaults of every channel; a channel's attributes win; static
 * credentials reach the clients; dev and test mode shorten the shutdown flush.
 */
class RuntimeDefaultsTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.region", "eu-west-3")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("quarkus.messaging.kinesis.credentials.type", "static")
            .overrideConfigKey("quarkus.messaging.kinesis.credentials.access-key-id", "test-key-id")
            .overrideConfigKey("quarkus.messaging.kinesis.credentials.secret-access-key", "test-secret")
            .overrideConfigKey("quarkus.messaging.kinesis.http-client.max-concurrency", "7")
            .overrideConfigKey("quarkus.messaging.kinesis.http-client.connection-timeout", "3s");

    @Inject
    KinesisClients clients;

    @Test
    void globalSettingsAreTheDefaults() {
        KinesisAsyncClient client = clients.clientFor(channel(Map.of()));
        assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_3);
        assertThat(client.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:1"));
        AwsCredentialsIdentity credentials = client.serviceClientConfiguration().credentialsProvider().resolveIdentity().join();
        assertThat(credentials.accessKeyId()).isEqualTo("test-key-id");
        assertThat(credentials.secretAccessKey()).isEqualTo("test-secret");
        assertThat(clients.settings().maxConcurrency()).hasValue(7);
        assertThat(clients.settings().connectionTimeout()).hasValueSatisfying(t -> assertThat(t).hasSeconds(3));
    }

    @Test
    void channelAttributesWin() {
        KinesisAsyncClient client = clients.clientFor(channel(Map.of("region", "ap-south-1",
                "endpoint-override", "http://127.0.0.1:2")));
        assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.AP_SOUTH_1);
        assertThat(client.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:2"));
    }

    @Test
    void theSecretIsNotInTheSettingsDescription() {
        assertThat(clients.settings().toString()).contains("STATIC").doesNotContain("test-secret");
    }

    @Test
    void shutdownFlushIsShortInTestMode() {
        assertThat(ConfigProvider.getConfig().getValue(KinesisMessagingProcessor.SHUTDOWN_TIMEOUT_KEY, String.class))
                .isEqualTo(KinesisMessagingProcessor.DEV_SHUTDOWN_TIMEOUT);
    }

    private static KinesisConnectorCommonConfiguration channel(Map<String, String> attributes) {
        Map<String, String> values = new java.util.HashMap<>(attributes);
        values.put("channel-name", "test-channel");
        Config config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(values, "test", 100))
                .build();
        return new KinesisConnectorCommonConfiguration(config);
    }
}
