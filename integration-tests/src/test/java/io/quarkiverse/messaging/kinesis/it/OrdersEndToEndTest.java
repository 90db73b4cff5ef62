package io.quarkiverse.messaging.kinesis.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkiverse.messaging.kinesis.it.OrdersConsumer.ReceivedOrder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.common.mapper.TypeRef;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockTestResource;

/**
 * The whole demo: the Emitter of {@code orders-out} writes orders to the stream and the {@code @Incoming("orders")}
 * method of {@link OrdersConsumer} receives every one of them, from every shard, once, in order per customer.
 */
@QuarkusTest
@QuarkusTestResource(value = KinesisMockTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(name = "streams", value = "orders:4"))
class OrdersEndToEndTest {

    @Test
    void everyOrderSentIsReceivedOnceInOrderPerCustomer() {
        given().contentType("text/plain").queryParam("customer", "alice")
                .body("one single order".getBytes(StandardCharsets.UTF_8))
                .when().post("/orders").then().statusCode(200);
        int count = 1_000;
        int customers = 20;
        given().queryParam("count", count).queryParam("customers", customers)
                .when().post("/orders/bulk").then().statusCode(200);

        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> received().size() >= count + 1);
        List<ReceivedOrder> received = received();

        Map<String, Long> times = received.stream()
                .collect(Collectors.groupingBy(ReceivedOrder::order, Collectors.counting()));
        assertThat(times).hasSize(count + 1).containsEntry("one single order", 1L);
        assertThat(times.values()).as("orders received more than once").allMatch(n -> n == 1);
        assertThat(received).filteredOn(order -> order.customer().equals("alice")).singleElement()
                .extracting(ReceivedOrder::order).isEqualTo("one single order");

        Map<String, List<Integer>> perCustomer = new HashMap<>();
        received.stream().filter(order -> order.order().startsWith("order-"))
                .forEach(order -> perCustomer.computeIfAbsent(order.customer(), c -> new java.util.ArrayList<>())
                        .add(Integer.parseInt(order.order().substring("order-".length()))));
        assertThat(perCustomer).hasSize(customers);
        perCustomer.forEach((customer, orders) -> assertThat(orders).as("orders of %s as received", customer)
                .isSorted());
        assertThat(received.stream().map(ReceivedOrder::shardId).distinct()).as("shards read").hasSize(4);
        assertThat(received.stream().collect(Collectors.toMap(ReceivedOrder::order, Function.identity())))
                .allSatisfy((order, r) -> assertThat(r.sequenceNumber()).isNotBlank());
    }

    private static List<ReceivedOrder> received() {
        return given().get("/orders/received").then().statusCode(200).extract().as(new TypeRef<>() {
        });
    }
}
