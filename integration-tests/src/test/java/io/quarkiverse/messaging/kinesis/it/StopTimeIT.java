package io.quarkiverse.messaging.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordRequest;

/**
 * SIGTERM to the packaged application: with nothing buffered, it exits within a second and logs no ERROR while
 * stopping, whether its channels are healthy or one of them failed (a record its consumer cannot read, with
 * failure-strategy fail).
 */
@ExtendWith(KinesisMockExtension.class)
class StopTimeIT {

    private static final Duration STOP_LIMIT = Duration.ofSeconds(1);

    private static Map<String, String> properties(KinesisMock kinesis) {
        return Map.of(
                "mp.messaging.connector.smallrye-kinesis.endpoint-override", kinesis.endpoint().toString(),
                "mp.messaging.connector.smallrye-kinesis.region", kinesis.region(),
                "aws.accessKeyId", KinesisMock.ACCESS_KEY_ID,
                "aws.secretAccessKey", KinesisMock.SECRET_ACCESS_KEY);
    }

    @Test
    void anIdleApplicationStopsWithinASecondWithoutError(KinesisMock kinesis) throws Exception {
        freshStreams(kinesis);
        try (PackagedApp app = PackagedApp.start("stop-idle-app", properties(kinesis))) {
            awaitHealth(app, "/q/health/ready", 200);
            assertStopsQuickly(app, "idle");
        }
    }

    @Test
    void anApplicationWhoseChannelFailedStopsWithinASecondWithoutError(KinesisMock kinesis) throws Exception {
        freshStreams(kinesis);
        // not a Shipment: its message is nacked, and failure-strategy fail (the default) stops the channel
        kinesis.client().putRecord(PutRecordRequest.builder().streamName("shipments").partitionKey("k")
                .data(SdkBytes.fromString("not json", StandardCharsets.UTF_8)).build()).join();
        try (PackagedApp app = PackagedApp.start("stop-failed-app", properties(kinesis))) {
            awaitHealth(app, "/q/health/live", 503);
            assertStopsQuickly(app, "failed channel");
        }
    }

    /** The application's two streams, empty (the emulator serves both tests of the class). */
    private static void freshStreams(KinesisMock kinesis) {
        for (String stream : List.of("orders", "shipments")) {
            try {
                kinesis.deleteStream(stream);
            } catch (RuntimeException absent) {
                // first test of the class
            }
            kinesis.createStream(stream, 1);
        }
    }

    private static void assertStopsQuickly(PackagedApp app, String state) throws Exception {
        long logBefore = Files.size(app.logFile());
        long sigterm = System.nanoTime();
        Integer exit = app.terminate(Duration.ofSeconds(30));
        Duration took = Duration.ofNanos(System.nanoTime() - sigterm);
        String stopping = Files.readString(app.logFile(), StandardCharsets.UTF_8).substring((int) logBefore);
        List<String> errors = stopping.lines().filter(line -> line.contains(" ERROR ")).toList();
        String stoppedIn = stopping.lines().filter(line -> line.contains("stopped in")).findFirst().orElse("?");
        System.out.printf("StopTimeIT (%s): exit %s %d ms after SIGTERM; %s%n", state, exit, took.toMillis(),
                stoppedIn.substring(Math.max(0, stoppedIn.indexOf("stopped in"))));
        assertThat(exit).as("exit code; %s", app.logTail(40)).isNotNull();
        assertThat(errors).as("ERROR lines while stopping; %s", app.logTail(40)).isEmpty();
        assertThat(took).as("exit after SIGTERM; %s", app.logTail(20)).isLessThan(STOP_LIMIT);
    }

    private static void awaitHealth(PackagedApp app, String path, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (app.get(path).statusCode() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " never answered " + status + "; " + app.logTail(40));
            }
            PackagedApp.sleep(200);
        }
    }
}
