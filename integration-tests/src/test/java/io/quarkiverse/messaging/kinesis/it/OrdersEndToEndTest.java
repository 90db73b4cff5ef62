package io.quarkiverse.messaging.kinesis.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkiverse.messaging.kinesis.it.OrdersConsumer.ReceivedOrder;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.common.mapper.TypeRef;

/**
 * The whole demo: the Emitter of {@code orders-out} writes orders to the stream and the {@code @Incoming("orders")}
 * method of {@link OrdersConsumer} receives every one of them, from every shard, once, in order per customer. Runs on
 * Dev Services (no endpoint configured); other tests write to the same stream, so this one marks its orders.
 */
@QuarkusTest
class OrdersEndToEndTest {

    @Test
    void everyOrderSentIsReceivedOnceInOrderPerCustomer() {
        String run = "e2e-" + UUID.randomUUID() + "-";
        String single = run + "one single order";
        given().contentType("text/plain").queryParam("customer", run + "alice")
                .body(single.getBytes(StandardCharsets.UTF_8))
                .when().post("/orders").then().statusCode(200);
        int count = 1_000;
        int customers = 20;
        String prefix = run + "order-";
        given().queryParam("count", count).queryParam("customers", customers).queryParam("prefix", prefix)
                .when().post("/orders/bulk").then().statusCode(200);

        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> received(run).size() >= count + 1);
        List<ReceivedOrder> received = received(run);

        Map<String, Long> times = received.stream()
                .collect(Collectors.groupingBy(ReceivedOrder::order, Collectors.counting()));
        assertThat(times).hasSize(count + 1).containsEntry(single, 1L);
        assertThat(times.values()).as("orders received more than once").allMatch(n -> n == 1);
        assertThat(received).filteredOn(order -> order.customer().equals(run + "alice")).singleElement()
                .extracting(ReceivedOrder::order).isEqualTo(single);

        Map<String, List<Integer>> perCustomer = new HashMap<>();
        received.stream().filter(order -> order.order().startsWith(prefix))
                .forEach(order -> perCustomer.computeIfAbsent(order.customer(), c -> new ArrayList<>())
                        .add(Integer.parseInt(order.order().substring(prefix.length()))));
        assertThat(perCustomer).hasSize(customers);
        perCustomer.forEach((customer, orders) -> assertThat(orders).as("orders of %s as received", customer)
                .hasSize(count / customers).isSorted());
        assertThat(received.stream().map(ReceivedOrder::shardId).distinct()).as("shards read").hasSize(4);
        assertThat(received).allSatisfy(order -> assertThat(order.sequenceNumber()).isNotBlank());
    }

    /** What the consumer received of this run's orders. */
    private static List<ReceivedOrder> received(String run) {
        return received().stream().filter(order -> order.order().startsWith(run)).toList();
    }

    private static List<ReceivedOrder> received() {
        return given().get("/orders/received").then().statusCode(200).extract().as(new TypeRef<>() {
        });
    }
}
