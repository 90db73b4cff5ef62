package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * A failure-strategy naming no factory bean fails the start, naming the channel, the attribute and the strategies.
 */
class UnknownFailureStrategyTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersConsumer.class))
            .overrideConfigKey("mp.messaging.incoming.orders-in.region", "us-east-1")
            .overrideConfigKey("mp.messaging.incoming.orders-in.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("mp.messaging.incoming.orders-in.failure-strategy", "retry-forever")
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure,
                    "orders-in", "failure-strategy", "retry-forever", "dead-letter-stream"));

    @Test
    void startFails() {
        fail("the application should not have started");
    }
}
