package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * An unknown ordering mode fails the start, naming the attribute and the allowed modes.
 */
class InvalidOrderingTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("mp.messaging.outgoing.orders-out.region", "us-east-1")
            .overrideConfigKey("mp.messaging.outgoing.orders-out.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("mp.messaging.outgoing.orders-out.ordering", "sometimes")
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure,
                    "orders-out", "ordering", "sometimes", "strict", "relaxed", "none"));

    @Test
    void startFails() {
        fail("the application should not have started");
    }
}
