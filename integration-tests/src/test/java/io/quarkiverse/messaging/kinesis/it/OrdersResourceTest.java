package io.quarkiverse.messaging.kinesis.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkiverse.messaging.kinesis.test.KinesisCompanion;
import io.quarkiverse.messaging.kinesis.test.KinesisCompanionResource;
import io.quarkiverse.messaging.kinesis.test.StreamRecord;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The orders application on Dev Services (no endpoint configured: kinesis-mock is started and the {@code orders}
 * stream created with 4 shards, see application.properties): what the endpoints answer is what the stream holds.
 * Each test looks only at the records written since it started, so "exactly these records" means exactly.
 */
@QuarkusTest
@QuarkusTestResource(KinesisCompanionResource.class)
class OrdersResourceTest {

    static final String STREAM = "orders";
    static final int SHARDS = 4;

    /** Injected by {@link KinesisCompanionResource}: on the emulator Dev Services started. */
    KinesisCompanion kinesis;

    @Test
    void devServicesCreatedTheStreamWithItsShards() {
        assertThat(kinesis.endpoint().toString()).startsWith("http://localhost:");
        assertThat(kinesis.openShards(STREAM)).isEqualTo(SHARDS);
    }

    /**
     * Positions (sequence and sub-sequence numbers) of the records already in the stream when a test starts: earlier tests
     * wrote them.
     */
    private final Set<String> before = new HashSet<>();

    @BeforeEach
    void rememberWhatTheStreamHolds() {
        // the stream is not emptied (deleted and created again): the application's consumer reads it meanwhile
        before.clear();
        kinesis.readAll(STREAM).forEach(record -> before.add(record.position()));
    }

    @Test
    void ordersAreAnsweredWithWhereKinesisStoredThem() {
        Map<String, String> orders = new LinkedHashMap<>();
        orders.put("alice", "{\"item\":\"book\",\"quantity\":1}");
        orders.put("bob", "{\"item\":\"pen\",\"quantity\":12}");
        orders.put("carol", "plain text order: 3 mugs");
        orders.put("dave", "{\"item\":\"caf\u00e9 cr\u00e8me\",\"quantity\":2}");

        Map<String, JsonPath> receipts = new HashMap<>();
        orders.forEach((customer, body) -> receipts.put(customer, given()
                .contentType(body.startsWith("{") ? "application/json" : "text/plain; charset=UTF-8")
                .queryParam("customer", customer)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/orders")
                .then().statusCode(200)
                .body("customer", equalTo(customer))
                .body("stream", equalTo(STREAM))
                .body("shardId", startsWith("shardId-"))
                .extract().jsonPath()));

        List<StreamRecord> records = written();
        assertThat(records).as("records in the stream").hasSize(orders.size());
        Map<String, StreamRecord> byKey = records.stream()
                .collect(Collectors.toMap(StreamRecord::partitionKey, Function.identity()));
        assertThat(byKey).containsOnlyKeys(orders.keySet());
        orders.forEach((customer, body) -> {
            StreamRecord record = byKey.get(customer);
            JsonPath receipt = receipts.get(customer);
            assertThat(record.dataAsUtf8()).as("payload of %s", customer).isEqualTo(body);
            assertThat(record.shardId()).as("shard of %s", customer).isEqualTo(receipt.getString("shardId"));
            assertThat(record.sequenceNumber()).as("sequence number of %s", customer)
                    .isEqualTo(receipt.getString("sequenceNumber"));
        });
    }

    @Test
    void metricsCountTheSentOrders() {
        double before = sentRecordsMetric();
        for (String customer : List.of("metrics-a", "metrics-b", "metrics-c")) {
            given().contentType("text/plain").queryParam("customer", customer).body("order of " + customer)
                    .when().post("/orders").then().statusCode(200);
        }
        assertThat(sentRecordsMetric() - before).as("kinesis_producer_records_total{outcome=sent} of orders-out")
                .isEqualTo(3.0);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("kinesis_producer_data_sent_bytes_total", "kinesis_producer_batch_size_records",
                "kinesis_producer_requests_seconds_count");
    }

    @Test
    void metricsCountTheReceivedOrders() {
        double before = metric("kinesis_consumer_records_total", "orders");
        for (String customer : List.of("received-a", "received-b", "received-c")) {
            given().contentType("text/plain").queryParam("customer", customer).body("order of " + customer)
                    .when().post("/orders").then().statusCode(200);
        }
        // the consumer reads the whole stream: records other tests wrote may be counted too, never fewer than these
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> metric("kinesis_consumer_records_total", "orders") - before >= 3.0);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> metric("kinesis_consumer_checkpoints_total", "orders") > 0);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("kinesis_consumer_data_received_bytes_total{channel=\"orders\"",
                "kinesis_consumer_requests_total{channel=\"orders\"", "kinesis_consumer_lag_max_seconds{channel=\"orders\"");
        assertThat(metrics.lines().filter(line -> line.startsWith("kinesis_consumer_lag_seconds{")
                && line.contains("channel=\"orders\"")).map(line -> line.replaceAll(".*shard=\"([^\"]+)\".*", "$1"))
                .distinct()).as("lag gauges of the orders channel").hasSize(SHARDS);
    }

    /** The records stored by Kinesis for the orders-out channel in /q/metrics, 0 before the first send. */
    static double sentRecordsMetric() {
        return metric("kinesis_producer_records_total", "orders-out", "outcome=\"sent\"");
    }

    /** The sum of a meter's values for a channel in /q/metrics, 0 when it is not there yet. */
    static double metric(String name, String channel, String... tags) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") && line.contains("channel=\"" + channel + "\""))
                .filter(line -> Arrays.stream(tags).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void anOrderWithoutCustomerIsRefused() {
        given().contentType("text/plain").body("no key").when().post("/orders")
                .then().statusCode(400);
        assertThat(written()).isEmpty();
    }

    @Test
    void aNackedOrderIsAnswered5xxWithTheReason() {
        // Kinesis allows partition keys of at most 256 characters: the connector nacks the message
        String customer = "k".repeat(300);
        given().contentType("application/json").queryParam("customer", customer).body("{\"item\":\"book\"}")
                .when().post("/orders")
                .then().statusCode(502)
                .body("customer", equalTo(customer))
                .body("error", containsString("256"));
        assertThat(written()).isEmpty();
    }

    @Test
    void bulkOrdersAreAllWrittenOnceInOrderPerCustomer() {
        int count = 2_000;
        int customers = 50;
        long ackedBefore = given().get("/orders/stats").then().statusCode(200).extract().jsonPath().getLong("acked");

        given().queryParam("count", count).queryParam("customers", customers)
                .when().post("/orders/bulk")
                .then().statusCode(200)
                .body("emitted", equalTo(count));

        // the bulk answer does not wait for Kinesis: wait until the application saw every ack
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    JsonPath stats = given().get("/orders/stats").then().statusCode(200).extract().jsonPath();
                    assertThat(stats.getLong("nacked")).as("nacked bulk orders").isZero();
                    assertThat(stats.getLong("acked") - ackedBefore).as("acked bulk orders").isEqualTo(count);
                });

        List<StreamRecord> records = written();
        assertBulkRecords(records, count, customers);
    }

    /**
     * Every {@code order-<i>} exactly once with key {@code customer-<i % customers>}, nothing else; the orders of a
     * customer all on one shard, their sequence numbers increasing in emission order; and several shards used.
     */
    /** The records written to the stream since the test started. */
    private List<StreamRecord> written() {
        return kinesis.readAll(STREAM).stream().filter(record -> !before.contains(record.position())).toList();
    }

    static void assertBulkRecords(List<StreamRecord> records, int count, int customers) {
        Map<String, Long> occurrences = records.stream()
                .collect(Collectors.groupingBy(StreamRecord::dataAsUtf8, Collectors.counting()));
        List<String> duplicated = occurrences.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue()).sorted().toList();
        List<String> missing = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < count; i++) {
            expected.add("order-" + i);
            if (!occurrences.containsKey("order-" + i)) {
                missing.add("order-" + i);
            }
        }
        List<String> unexpected = occurrences.keySet().stream().filter(data -> !expected.contains(data)).sorted()
                .toList();
        if (!missing.isEmpty() || !duplicated.isEmpty() || !unexpected.isEmpty()) {
            throw new AssertionError(String.format("Expected each of order-0..order-%d exactly once; the stream holds %d "
                    + "records: %d order(s) missing %s, %d written more than once %s, %d unexpected %s", count - 1,
                    records.size(), missing.size(), first(missing), duplicated.size(), first(duplicated),
                    unexpected.size(), first(unexpected)));
        }
        assertThat(records).hasSize(count);

        Map<String, List<StreamRecord>> byCustomer = new HashMap<>();
        for (StreamRecord record : records) {
            int index = Integer.parseInt(record.dataAsUtf8().substring("order-".length()));
            assertThat(record.partitionKey()).as("partition key of order-%d", index)
                    .isEqualTo("customer-" + (index % customers));
            byCustomer.computeIfAbsent(record.partitionKey(), key -> new ArrayList<>()).add(record);
        }
        assertThat(byCustomer).hasSize(Math.min(customers, count));
        byCustomer.forEach((customer, ofCustomer) -> {
            assertThat(ofCustomer).extracting(StreamRecord::shardId).as("shards of %s", customer).containsOnly(
                    ofCustomer.get(0).shardId());
            List<Integer> inSequenceOrder = ofCustomer.stream()
                    .sorted(Comparator.comparing(record -> new BigInteger(record.sequenceNumber())))
                    .map(record -> Integer.parseInt(record.dataAsUtf8().substring("order-".length())))
                    .toList();
            assertThat(inSequenceOrder).as("orders of %s in sequence-number order", customer).isSorted();
        });
        assertThat(records.stream().map(StreamRecord::shardId).distinct().count()).as("shards used")
                .isGreaterThan(1);
    }

    private static String first(List<String> items) {
        return items.size() <= 10 ? items.toString() : items.subList(0, 10) + " and " + (items.size() - 10) + " more";
    }
}
