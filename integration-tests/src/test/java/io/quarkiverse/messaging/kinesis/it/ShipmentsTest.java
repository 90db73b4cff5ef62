package io.quarkiverse.messaging.kinesis.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.common.mapper.TypeRef;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock.ShardRecord;
import io.vertx.core.json.JsonObject;

/**
 * A POJO round trip with no payload configuration: {@code Emitter<Shipment>} writes JSON to the {@code shipments}
 * stream and the {@code @Incoming} method taking a {@link Shipment} gets it back as one.
 */
@QuarkusTest
@QuarkusTestResource(DevServicesStreams.class)
class ShipmentsTest {

    /** Injected by {@link DevServicesStreams}. */
    EmulatorStreams kinesis;

    @Test
    void shipmentsTravelAsJsonAndArriveAsShipments() {
        String id = UUID.randomUUID().toString();
        Shipment shipment = new Shipment(id, "alice", "UPS", 3);

        given().contentType("application/json").body(new JsonObject().put("id", id).put("customer", "alice")
                .put("carrier", "UPS").put("parcels", 3).encode())
                .when().post("/shipments").then().statusCode(204);

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> received().stream().anyMatch(received -> received.id().equals(id)));
        assertThat(received()).filteredOn(received -> received.id().equals(id)).containsExactly(shipment);

        List<ShardRecord> stored = kinesis.readAll("shipments").stream()
                .filter(record -> record.dataAsUtf8().contains(id)).toList();
        assertThat(stored).singleElement().satisfies(record -> assertThat(new JsonObject(record.dataAsUtf8()))
                .isEqualTo(new JsonObject().put("id", id).put("customer", "alice").put("carrier", "UPS")
                        .put("parcels", 3)));
    }

    private static List<Shipment> received() {
        return given().get("/shipments/received").then().statusCode(200).extract().as(new TypeRef<>() {
        });
    }
}
