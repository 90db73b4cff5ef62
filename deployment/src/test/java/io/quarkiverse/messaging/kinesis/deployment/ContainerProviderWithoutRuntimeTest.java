package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * The container provider asked for on a machine without a container runtime: the start fails and says what to do.
 * (On machines with a runtime, DevServicesContainerProviderTest runs instead and this one is skipped.)
 */
@DisabledIf(value = "io.quarkiverse.messaging.kinesis.deployment.DevServicesContainerProviderTest#containerRuntimeReachable", disabledReason = "a container runtime is reachable: the container provider starts here")
class ContainerProviderWithoutRuntimeTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.devservices.provider", "container")
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure,
                    "quarkus.messaging.kinesis.devservices.provider", "container", "no container runtime",
                    "process"));

    @Test
    void startFails() {
        fail("the application should not have started");
    }
}
