package io.quarkiverse.messaging.kinesis.deployment.devservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.logging.LogRecord;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.messaging.kinesis.deployment.OrdersApp;
import io.quarkiverse.messaging.kinesis.emulator.EmulatorCache;
import io.quarkiverse.messaging.kinesis.emulator.KinesisEmulatorClient;
import io.quarkiverse.messaging.kinesis.emulator.KinesisLocalProcess;
import io.quarkus.test.QuarkusDevModeTest;

/**
 * Dev mode with another application's emulator registered for sharing (here played by the test): the application
 * uses it, creating its stream there, instead of starting one of its own.
 */
class SharedDevServicesDevModeTest {

    /** A name of this test's own: a developer's real shared emulator is not involved. */
    static final String SERVICE_NAME = "kinesis-test-" + UUID.randomUUID();
    /** Started before the application (static fields are set before the extension starts it). */
    static final KinesisLocalProcess OTHER = SharedEmulatorFixture.start(Map.of("other-app-stream", 1));
    static final SharedEmulators REGISTRY = register();

    @RegisterExtension
    static final QuarkusDevModeTest test = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class)
                    .addAsResource(new StringAsset(
                            "quarkus.messaging.kinesis.devservices.service-name=" + SERVICE_NAME + "\n"
                                    + "quarkus.messaging.kinesis.health.stream-probe-interval=0s\n"),
                            "application.properties"))
            .setLogRecordPredicate(record -> record.getMessage() != null && record.getMessage().contains("SRKIN13"));

    private static SharedEmulators register() {
        SharedEmulators registry = new SharedEmulators(EmulatorCache.defaultDirectory());
        registry.register(SERVICE_NAME, new SharedEmulators.Registration(OTHER.processHandle().pid(),
                OTHER.getConnectionInfo(), SharedEmulatorFixture.REGION));
        return registry;
    }

    @AfterAll
    static void stopTheOtherApplicationsEmulator() {
        REGISTRY.unregister(SERVICE_NAME, OTHER.processHandle().pid());
        OTHER.close();
    }

    @Test
    void theApplicationUsesTheSharedEmulatorAndCreatesItsStreamThere() throws Exception {
        try (KinesisEmulatorClient other = new KinesisEmulatorClient(URI.create(OTHER.getConnectionInfo()),
                SharedEmulatorFixture.REGION)) {
            assertThat(other.isActive(OrdersApp.CHANNEL)).as("the application's stream on the shared emulator")
                    .isTrue();
        }
        // the records hold the message pattern, with the values as parameters
        assertThat(test.getLogRecords()).anySatisfy(record -> {
            assertThat(record.getMessage()).contains("SRKIN1307");
            assertThat(record.getParameters()[0]).isEqualTo(OTHER.getConnectionInfo());
        });
        assertThat(test.getLogRecords()).extracting(LogRecord::getMessage)
                .noneSatisfy(message -> assertThat(message).contains("SRKIN1301")); // started none of its own
    }
}
