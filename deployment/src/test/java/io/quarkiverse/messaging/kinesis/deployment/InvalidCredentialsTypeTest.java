package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** An unknown credentials type fails the start with the property and the allowed types. */
class InvalidCredentialsTypeTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("quarkus.messaging.kinesis.credentials.type", "anonymous")
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure,
                    "quarkus.messaging.kinesis.credentials.type", "anonymous", "default", "static"));

    @Test
    void startFails() {
        fail("the application should not have started");
    }
}
