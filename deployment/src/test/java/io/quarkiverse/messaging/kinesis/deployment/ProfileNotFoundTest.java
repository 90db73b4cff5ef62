package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** A profile that is not in the credentials file fails the start, naming the property and the profiles found. */
class ProfileNotFoundTest {

    static final Path FILE = credentialsFile();

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("quarkus.messaging.kinesis.credentials.type", "profile")
            .overrideConfigKey("quarkus.messaging.kinesis.credentials.profile-name", "kinesis-app")
            .overrideConfigKey("quarkus.messaging.kinesis.credentials.profile-file", FILE.toString())
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure, "SRKIN2703",
                    "quarkus.messaging.kinesis.credentials.profile-name", "'kinesis-app'", "found: ci"));

    private static Path credentialsFile() {
        try {
            Path file = Files.createTempFile("aws-credentials", "");
            Files.writeString(file, "[ci]\naws_access_key_id = AKIACI\naws_secret_access_key = ci-secret\n");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void startFails() {
        fail("the application should not have started");
    }
}
