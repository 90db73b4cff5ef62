package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * The first start on an offline machine (simulated: an empty cache folder, and an npm registry on a closed loopback
 * port): the start fails saying which package could not be fetched and how to point npm at a mirror or use the
 * container provider.
 */
class DevServicesOfflineInstallTest {

    static final Path CACHE_DIR = emptyCacheDir();
    static final String REGISTRY = "http://127.0.0.1:" + closedPort() + "/";

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.devservices.provider", "process")
            .overrideConfigKey("quarkus.messaging.kinesis.devservices.cache-dir", CACHE_DIR.toString())
            .overrideConfigKey("quarkus.messaging.kinesis.devservices.npm-registry", REGISTRY)
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure, "SRKIN2370",
                    "kinesis-local@0.6.2", REGISTRY, "npm config set registry", "provider=container"));

    @Test
    void startFails() {
        fail("the application should not have started");
    }

    private static Path emptyCacheDir() {
        try {
            Path dir = Files.createTempDirectory("kinesis-devservices-offline");
            // npm retries an unreachable registry for about 70 s by default; not in this test
            Path prefix = Files.createDirectories(dir.resolve("kinesis-local-0.6.2"));
            Files.writeString(prefix.resolve(".npmrc"), "fetch-retries=0\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
