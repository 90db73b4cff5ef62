package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** assume-role without a role ARN fails the start with the missing property and an example of the fix. */
class AssumeRoleWithoutRoleArnTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("quarkus.messaging.kinesis.credentials.type", "assume-role")
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure, "SRKIN2701",
                    "quarkus.messaging.kinesis.credentials.role-arn", "arn:aws:iam::"));

    @Test
    void startFails() {
        fail("the application should not have started");
    }
}
