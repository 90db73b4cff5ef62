package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** quarkus.messaging.kinesis.devservices.enabled=false: no emulator, no endpoint configured for the channels. */
class DevServicesDisabledTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.devservices.enabled", "false")
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1");

    @Test
    void noEndpointIsConfigured() {
        assertThat(ConfigProvider.getConfig().getOptionalValue("quarkus.messaging.kinesis.endpoint-override",
                String.class)).isEmpty();
    }
}
