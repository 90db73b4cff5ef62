package io.quarkiverse.messaging.kinesis.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkiverse.messaging.kinesis.test.KinesisTestEmulator;
import io.quarkiverse.messaging.kinesis.test.KinesisTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * /q/health/started: UP once every channel is attached (the incoming ones listed their shards). /q/health/ready: UP
 * while the channel runs and its stream answers; DOWN, naming the stream, once the emulator is
 * gone (the stream probe notices within its interval, without any send). The emulator here is one the test can stop:
 * kinesis-mock started by the test companion's test resource, whose configuration points the application at it.
 */
@QuarkusTest
@TestProfile(HealthTest.FastProbe.class)
@QuarkusTestResource(value = KinesisTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(name = "streams", value = "orders:1,shipments:1"))
class HealthTest {

    /**
     * Probes the stream every second. Dev Services off: they run at build time, before the test resource configures
     * its endpoint, and would start an emulator nobody uses.
     */
    public static class FastProbe implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.messaging.kinesis.health.stream-probe-interval", "1s",
                    "quarkus.messaging.kinesis.devservices.enabled", "false");
        }
    }

    /** Injected by {@link KinesisTestResource}. */
    KinesisTestEmulator emulator;

    @Test
    void startedOnceEveryChannelIsAttachedAndTheIncomingOnesListedTheirShards() {
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/started")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name.contains('startup') }.data.orders", equalTo("[OK]"))
                .body("checks.find { it.name.contains('startup') }.data.shipments", equalTo("[OK]"))
                .body("checks.find { it.name.contains('startup') }.data.'orders-out'", equalTo("[OK]"))
                .body("checks.find { it.name.contains('startup') }.data.'shipments-out'", equalTo("[OK]")));
    }

    @Test
    void readyWhileTheStreamAnswersAndDownWhenTheEmulatorIsGone() {
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("orders-out")));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));

        emulator.stop();

        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready")
                .then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body(containsString("stream 'orders' is not reachable"))
                .body(containsString("stream 'shipments' is not reachable")));
        // not reachable is not a fatal failure: liveness stays UP
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
