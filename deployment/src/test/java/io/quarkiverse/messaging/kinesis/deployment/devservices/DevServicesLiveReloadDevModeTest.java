package io.quarkiverse.messaging.kinesis.deployment.devservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.logging.LogRecord;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.messaging.kinesis.deployment.OrdersApp;
import io.quarkiverse.messaging.kinesis.emulator.EmulatorCache;
import io.quarkus.test.QuarkusDevModeTest;

/**
 * Live reloads in dev mode: the Dev Services framework keeps the emulator while its settings are unchanged, and
 * replaces it (stopping the old process) when they change. The endpoint the application was given comes from its HTTP
 * route (a request is also what triggers the reload); the process behind it from the emulator's registration for
 * sharing (on by default in dev mode) under a service name of this test's own.
 */
class DevServicesLiveReloadDevModeTest {

    static final String SERVICE_NAME = "kinesis-test-" + UUID.randomUUID();
    static final int PORT = freePort();
    /** What dev mode logs at the end of a live reload. */
    static final String RELOADED = "Live reload total time";

    @RegisterExtension
    static final QuarkusDevModeTest test = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class, EndpointReportingApp.class)
                    .addAsResource(new StringAsset("quarkus.http.port=" + PORT + "\n"
                            + "quarkus.messaging.kinesis.devservices.service-name=" + SERVICE_NAME + "\n"
                            + "quarkus.messaging.kinesis.health.stream-probe-interval=0s\n"),
                            "application.properties"))
            .setLogRecordPredicate(record -> record.getMessage() != null
                    && (record.getMessage().contains("SRKIN1301") || record.getMessage().contains(RELOADED)));

    @Test
    void theEmulatorSurvivesAReloadWithEqualSettingsAndIsReplacedWhenTheyChange() throws Exception {
        String firstEndpoint = endpointSeenByTheApplication();
        long first = emulatorAt(firstEndpoint);
        assertThat(starts()).as("emulators started with the application").isEqualTo(1);

        test.clearLogRecords();
        test.modifyResourceFile("application.properties", properties -> properties + "unrelated.setting=1\n");
        String afterUnrelatedChange = endpointAfterReload();
        assertThat(afterUnrelatedChange).as("the endpoint after a reload with equal settings").isEqualTo(firstEndpoint);
        assertThat(emulatorAt(afterUnrelatedChange)).as("the same emulator process").isEqualTo(first);
        assertThat(starts()).as("emulators started by the reload").isZero();

        test.clearLogRecords();
        test.modifyResourceFile("application.properties",
                properties -> properties + "quarkus.messaging.kinesis.devservices.shards=2\n");
        String afterShardChange = endpointAfterReload();
        long second = emulatorAt(afterShardChange);
        assertThat(second).as("a new emulator for the new settings").isNotEqualTo(first);
        assertThat(starts()).as("emulators started by the reload").isEqualTo(1);
        assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false))
                .as("the emulator of the old settings is stopped").isFalse();
    }

    /**
     * Requests until one has triggered a live reload (dev mode scans for changed files at most every few seconds, on
     * a request, which waits for the reload), then answers the reloaded application's endpoint.
     */
    private static String endpointAfterReload() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            String endpoint = endpointSeenByTheApplication();
            long reloads = test.getLogRecords().stream().filter(record -> record.getMessage().contains(RELOADED))
                    .count();
            if (reloads > 0) {
                assertThat(reloads).as("live reloads for one change").isEqualTo(1);
                return endpoint;
            }
            assertThat(System.nanoTime()).as("a live reload within 3 minutes").isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** The endpoint the running application has. */
    private static String endpointSeenByTheApplication() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = client.send(HttpRequest
                .newBuilder(URI.create("http://localhost:" + PORT + EndpointReportingApp.PATH))
                .timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", EndpointReportingApp.PATH, response.body()).isEqualTo(200);
        return response.body();
    }

    /** The process of the emulator registered under this test's name, which must be the one at the endpoint. */
    private static long emulatorAt(String endpoint) {
        SharedEmulators.Registration registration = new SharedEmulators(EmulatorCache.defaultDirectory())
                .find(SERVICE_NAME).orElseThrow(() -> new AssertionError("no live emulator registered"));
        assertThat(registration.endpoint()).as("the registered emulator's endpoint").isEqualTo(endpoint);
        assertThat(ProcessHandle.current().descendants().mapToLong(ProcessHandle::pid))
                .as("the emulator is a child of this JVM").contains(registration.pid());
        return registration.pid();
    }

    private static long starts() {
        return test.getLogRecords().stream().map(LogRecord::getMessage)
                .filter(message -> message.contains("SRKIN1301")).count();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
