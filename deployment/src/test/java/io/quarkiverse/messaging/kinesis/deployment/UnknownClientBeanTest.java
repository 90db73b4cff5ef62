package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * A client-bean naming no KinesisAsyncClient bean fails the start, naming the identifier and the channel.
 */
class UnknownClientBeanTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("mp.messaging.outgoing.orders-out.region", "us-east-1")
            .overrideConfigKey("mp.messaging.outgoing.orders-out.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("mp.messaging.outgoing.orders-out.client-bean", "no-such-client")
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure,
                    "no-such-client", "orders-out", "client-bean"));

    @Test
    void startFails() {
        fail("the application should not have started");
    }
}
