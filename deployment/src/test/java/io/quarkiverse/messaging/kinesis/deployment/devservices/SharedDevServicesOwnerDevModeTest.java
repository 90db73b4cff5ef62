package io.quarkiverse.messaging.kinesis.deployment.devservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.UUID;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.messaging.kinesis.deployment.OrdersApp;
import io.quarkiverse.messaging.kinesis.emulator.EmulatorCache;
import io.quarkiverse.messaging.kinesis.emulator.KinesisEmulatorClient;
import io.quarkus.test.QuarkusDevModeTest;

/**
 * Dev mode with no shared emulator registered: the application starts its own and registers it for the others.
 */
class SharedDevServicesOwnerDevModeTest {

    static final String SERVICE_NAME = "kinesis-test-" + UUID.randomUUID();

    @RegisterExtension
    static final QuarkusDevModeTest test = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class)
                    .addAsResource(new StringAsset(
                            "quarkus.messaging.kinesis.devservices.service-name=" + SERVICE_NAME + "\n"
                                    + "quarkus.messaging.kinesis.health.stream-probe-interval=0s\n"),
                            "application.properties"));

    @Test
    void theApplicationRegistersTheEmulatorItStarted() throws Exception {
        SharedEmulators.Registration registration = new SharedEmulators(EmulatorCache.defaultDirectory())
                .find(SERVICE_NAME).orElseThrow();
        // the emulator is a child of this JVM (the application's build started it), and it has the app's stream
        assertThat(ProcessHandle.current().descendants().mapToLong(ProcessHandle::pid))
                .contains(registration.pid());
        try (KinesisEmulatorClient client = new KinesisEmulatorClient(URI.create(registration.endpoint()),
                registration.region())) {
            assertThat(client.isActive(OrdersApp.CHANNEL)).isTrue();
        }
    }
}
