package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;

/**
 * quarkus.messaging.kinesis.health.enabled=false: the channels do not report (and nothing probes their streams, which
 * would report the unreachable endpoint here).
 */
class HealthDisabledTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.health.enabled", "false")
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1");

    @Inject
    @Connector(KinesisConnector.CONNECTOR_NAME)
    KinesisConnector connector;

    @Test
    void channelsDoNotReport() throws InterruptedException {
        Thread.sleep(500);
        assertThat(connector.getReadiness().getChannels()).isEmpty();
        assertThat(connector.getLiveness().getChannels()).isEmpty();
        assertThat(connector.getStartup().getChannels()).isEmpty();
    }
}
