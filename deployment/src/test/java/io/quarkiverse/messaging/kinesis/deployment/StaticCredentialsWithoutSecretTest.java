package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** Static credentials need both keys: the start fails naming the missing property and the way out. */
class StaticCredentialsWithoutSecretTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("quarkus.messaging.kinesis.credentials.type", "static")
            .overrideConfigKey("quarkus.messaging.kinesis.credentials.access-key-id", "test-key-id")
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure,
                    "quarkus.messaging.kinesis.credentials.type", "quarkus.messaging.kinesis.credentials.secret-access-key",
                    "'default'"));

    @Test
    void startFails() {
        fail("the application should not have started");
    }
}
