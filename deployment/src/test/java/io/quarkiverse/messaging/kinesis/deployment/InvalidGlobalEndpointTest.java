package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** A default endpoint that is not an absolute URI fails the start, naming the Quarkus property. */
class InvalidGlobalEndpointTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "localhost-4567")
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure,
                    "quarkus.messaging.kinesis.endpoint-override", "localhost-4567", "an absolute URI"));

    @Test
    void startFails() {
        fail("the application should not have started");
    }
}
