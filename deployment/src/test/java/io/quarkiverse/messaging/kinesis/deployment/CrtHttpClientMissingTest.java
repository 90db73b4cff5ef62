package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** The CRT HTTP client without its dependency fails the build, saying which dependency to add. */
class CrtHttpClientMissingTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("quarkus.messaging.kinesis.http-client.type", "crt")
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure,
                    "quarkus.messaging.kinesis.http-client.type", "software.amazon.awssdk:aws-crt-client", "netty"));

    @Test
    void buildFails() {
        fail("the application should not have been built");
    }
}
