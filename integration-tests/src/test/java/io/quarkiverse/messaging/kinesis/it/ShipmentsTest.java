package io.quarkiverse.messaging.kinesis.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkiverse.messaging.kinesis.test.KinesisCompanion;
import io.quarkiverse.messaging.kinesis.test.KinesisCompanionResource;
import io.quarkiverse.messaging.kinesis.test.StreamConsumer;
import io.quarkiverse.messaging.kinesis.test.StreamRecord;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.common.mapper.TypeRef;
import io.vertx.core.json.JsonObject;

/**
 * A POJO round trip with no payload configuration: {@code Emitter<Shipment>} writes JSON to the {@code shipments}
 * stream and the {@code @Incoming} method taking a {@link Shipment} gets it back as one.
 */
@QuarkusTest
@QuarkusTestResource(KinesisCompanionResource.class)
class ShipmentsTest {

    /** Injected by {@link KinesisCompanionResource}: on the emulator Dev Services started. */
    KinesisCompanion kinesis;

    @Test
    void shipmentsTravelAsJsonAndArriveAsShipments() {
        String id = UUID.randomUUID().toString();
        Shipment shipment = new Shipment(id, "alice", "UPS", 3);
        StreamConsumer stream = kinesis.consume("shipments").fromLatest();

        given().contentType("application/json").body(new JsonObject().put("id", id).put("customer", "alice")
                .put("carrier", "UPS").put("parcels", 3).encode())
                .when().post("/shipments").then().statusCode(204);

        assertThat(stream.awaitRecords(1, Duration.ofSeconds(10))).singleElement()
                .satisfies(record -> assertThat(new JsonObject(record.dataAsUtf8()))
                        .isEqualTo(new JsonObject().put("id", id).put("customer", "alice").put("carrier", "UPS")
                                .put("parcels", 3)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> received().stream().anyMatch(received -> received.id().equals(id)));
        assertThat(received()).filteredOn(received -> received.id().equals(id)).containsExactly(shipment);
    }

    @Test
    void shipmentsWrittenByAnotherProducerArriveAsShipments() {
        String id = UUID.randomUUID().toString();

        kinesis.produce("shipments").strings("bob", new JsonObject().put("id", id).put("customer", "bob")
                .put("carrier", "DHL").put("parcels", 1).encode());

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> received().stream().anyMatch(received -> received.id().equals(id)));
        assertThat(received()).filteredOn(received -> received.id().equals(id))
                .containsExactly(new Shipment(id, "bob", "DHL", 1));
        assertThat(kinesis.readAll("shipments")).filteredOn(record -> record.dataAsUtf8().contains(id))
                .singleElement().extracting(StreamRecord::partitionKey).isEqualTo("bob");
    }

    private static List<Shipment> received() {
        return given().get("/shipments/received").then().statusCode(200).extract().as(new TypeRef<>() {
        });
    }
}
