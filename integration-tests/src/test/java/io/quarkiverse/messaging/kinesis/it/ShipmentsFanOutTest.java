package io.quarkiverse.messaging.kinesis.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkiverse.messaging.kinesis.test.KinesisCompanion;
import io.quarkiverse.messaging.kinesis.test.KinesisCompanionResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.common.mapper.TypeRef;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.kinesis.model.Consumer;

/**
 * The shipments channel read with enhanced fan-out on the emulator Dev Services started (SubscribeToShard over h2c on
 * kinesis-mock's plain port): what the Emitter sends arrives through the stream consumer the channel registered.
 */
@QuarkusTest
@TestProfile(ShipmentsFanOutTest.FanOut.class)
@QuarkusTestResource(KinesisCompanionResource.class)
class ShipmentsFanOutTest {

    public static class FanOut implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.shipments.consumer-mode", "fan-out",
                    "mp.messaging.incoming.shipments.consumer-name", "shipments-fan-out");
        }
    }

    /** Injected by {@link KinesisCompanionResource}: on the emulator Dev Services started. */
    KinesisCompanion kinesis;

    @Test
    void shipmentsSentByTheEmitterArriveThroughTheRegisteredStreamConsumer() {
        String id = UUID.randomUUID().toString();

        given().contentType("application/json").body(new JsonObject().put("id", id).put("customer", "carol")
                .put("carrier", "UPS").put("parcels", 2).encode())
                .when().post("/shipments").then().statusCode(204);

        // kinesis-mock pushes an event per second: records arrive 1.5 to 2 s after they were written
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> received().stream().anyMatch(received -> received.id().equals(id)));
        assertThat(received()).filteredOn(received -> received.id().equals(id))
                .containsExactly(new Shipment(id, "carol", "UPS", 2));
        String streamArn = kinesis.client().describeStreamSummary(r -> r.streamName("shipments"))
                .streamDescriptionSummary().streamARN();
        assertThat(kinesis.client().listStreamConsumers(r -> r.streamARN(streamArn)).consumers())
                .extracting(Consumer::consumerName).contains("shipments-fan-out");
    }

    private static List<Shipment> received() {
        return given().get("/shipments/received").then().statusCode(200).extract().as(new TypeRef<>() {
        });
    }
}
