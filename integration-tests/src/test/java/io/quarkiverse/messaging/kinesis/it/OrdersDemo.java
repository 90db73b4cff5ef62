package io.quarkiverse.messaging.kinesis.it;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock.ShardRecord;

/**
 * The one-command demo ({@code ./mvnw -B install -Pdemo -DskipTests}): runs the packaged orders application against a
 * local Kinesis emulator (kinesis-mock), sends it orders over HTTP, reads the stream back and prints what it holds.
 * No AWS account needed. Exits with 1 if the stream does not hold exactly the orders sent.
 */
public final class OrdersDemo {

    private static final String STREAM = "orders";
    private static final String SHIPMENTS_STREAM = "shipments";
    private static final int SHARDS = 4;
    private static final int BULK = 1_000;
    private static final int BULK_CUSTOMERS = 20;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DEMO_STARTED = System.nanoTime();
    /** Customer (partition key) and body of the orders posted one by one. */
    private static final Map<String, String> SINGLE_ORDERS = new LinkedHashMap<>();

    static {
        SINGLE_ORDERS.put("alice", "{\"item\":\"book\",\"quantity\":1}");
        SINGLE_ORDERS.put("bob", "{\"item\":\"pen\",\"quantity\":12}");
        SINGLE_ORDERS.put("carol", "{\"item\":\"mug\",\"quantity\":3}");
        SINGLE_ORDERS.put("dave", "{\"item\":\"lamp\",\"quantity\":1}");
        SINGLE_ORDERS.put("erin", "{\"item\":\"chair\",\"quantity\":4}");
    }

    private OrdersDemo() {
    }

    public static void main(String[] args) {
        int exitCode;
        try {
            exitCode = run();
        } catch (Exception e) {
            System.out.println();
            System.out.println("DEMO FAILED: " + e);
            e.printStackTrace(System.out);
            exitCode = 1;
        }
        System.exit(exitCode);
    }

    private static int run() throws Exception {
        List<String> problems = new ArrayList<>();
        banner("Orders demo: Quarkus + smallrye-kinesis against a local Kinesis emulator (no AWS account)");

        try (KinesisMock kinesis = new KinesisMock()) {
            kinesis.start();
            kinesis.createStream(STREAM, SHARDS);
            // the application's other stream (ShipmentsResource, ShipmentsConsumer): every stream it uses exists
            kinesis.createStream(SHIPMENTS_STREAM, 1);
            step("kinesis-mock listens on %s; streams '%s' (%d shards) and '%s' (1 shard) created", kinesis.endpoint(),
                    STREAM, SHARDS, SHIPMENTS_STREAM);

            Map<String, String> properties = Map.of(
                    "mp.messaging.connector.smallrye-kinesis.endpoint-override", kinesis.endpoint().toString(),
                    "mp.messaging.connector.smallrye-kinesis.region", kinesis.region(),
                    "aws.accessKeyId", KinesisMock.ACCESS_KEY_ID,
                    "aws.secretAccessKey", KinesisMock.SECRET_ACCESS_KEY);
            Map<String, JsonNode> receipts = new LinkedHashMap<>();
            Map<String, String> bodies = SINGLE_ORDERS;

            try (PackagedApp app = PackagedApp.start("orders-demo-app", properties)) {
                step("orders application (target/quarkus-app/quarkus-run.jar, pid %d) listens on http://127.0.0.1:%d"
                        + " (log: %s)", app.pid(), app.port(), PackagedApp.moduleDir().relativize(app.logFile()));

                step("POST /orders?customer=... : each answer waits for Kinesis to store the order");
                for (Map.Entry<String, String> order : bodies.entrySet()) {
                    HttpResponse<String> answer = app.post("/orders?customer=" + order.getKey(), "application/json",
                            order.getValue());
                    if (answer.statusCode() != 200) {
                        System.out.printf("    %-6s %-32s -> HTTP %d %s%n", order.getKey(), order.getValue(),
                                answer.statusCode(), answer.body());
                        problems.add("POST /orders for " + order.getKey() + " answered " + answer.statusCode() + " "
                                + answer.body());
                        continue;
                    }
                    JsonNode receipt = JSON.readTree(answer.body());
                    receipts.put(order.getKey(), receipt);
                    System.out.printf("    %-6s %-32s -> %s, sequence number %s%n", order.getKey(), order.getValue(),
                            receipt.path("shardId").asText(), receipt.path("sequenceNumber").asText());
                }

                step("POST /orders/bulk?count=%d&customers=%d : answers once all are handed to the channel", BULK,
                        BULK_CUSTOMERS);
                long bulkStarted = System.nanoTime();
                HttpResponse<String> bulk = app.post("/orders/bulk?count=" + BULK + "&customers=" + BULK_CUSTOMERS,
                        "text/plain", "");
                long handedOverMs = millisSince(bulkStarted);
                if (bulk.statusCode() != 200) {
                    throw new IllegalStateException("POST /orders/bulk answered " + bulk.statusCode() + " " + bulk.body()
                            + "\n" + app.logTail(40));
                }
                JsonNode stats = awaitBulkAcks(app);
                System.out.printf("    handed over in %d ms; %d acked, %d nacked after %d ms%n",
                        handedOverMs, stats.path("acked").asLong(), stats.path("nacked").asLong(),
                        millisSince(bulkStarted));
                if (stats.path("acked").asLong() != BULK || stats.path("nacked").asLong() != 0) {
                    problems.add("bulk: " + stats + " (expected " + BULK + " acked, 0 nacked); " + app.logTail(40));
                }

                step("GET /orders/received : what the application's @Incoming(\"orders\") method received");
                int sent = bodies.size() + BULK;
                JsonNode received = awaitReceived(app, sent);
                Map<String, Integer> receivedPerShard = new TreeMap<>();
                Set<String> distinct = new HashSet<>();
                received.forEach(order -> {
                    receivedPerShard.merge(order.path("shardId").asText(), 1, Integer::sum);
                    distinct.add(order.path("order").asText());
                });
                receivedPerShard.forEach((shard, count) -> System.out.printf("    %-22s %7d received%n", shard, count));
                System.out.printf("    %-22s %7d received (%d distinct) of %d sent%n", "total", received.size(),
                        distinct.size(), sent);
                if (received.size() != sent || distinct.size() != sent) {
                    problems.add("the consumer received " + received.size() + " orders (" + distinct.size()
                            + " distinct), expected each of the " + sent + " sent exactly once; " + app.logTail(40));
                }

                step("stopping the application with SIGTERM");
                Integer exit = app.terminate(Duration.ofSeconds(60));
                System.out.printf("    exited with code %s%n", exit == null ? "none (killed after 60 s)" : exit);
                if (exit == null) {
                    problems.add("the application did not stop within 60 s of SIGTERM; " + app.logTail(40));
                }
            }

            step("reading the stream back from kinesis-mock");
            List<ShardRecord> records = kinesis.readAll(STREAM);
            summarize(records, bodies, receipts, problems);
        }

        System.out.println();
        if (problems.isEmpty()) {
            int total = SINGLE_ORDERS.size() + BULK;
            banner(String.format("DEMO OK: %d orders sent, the same %d records in the stream, all %d received by the"
                    + " consumer (%.1f s)", total, total, total, millisSince(DEMO_STARTED) / 1000.0));
            return 0;
        }
        banner("DEMO FAILED: " + problems.size() + " problem(s)");
        problems.forEach(problem -> System.out.println("  - " + problem));
        return 1;
    }

    private static JsonNode awaitReceived(PackagedApp app, int expected) throws Exception {
        long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        while (true) {
            JsonNode received = JSON.readTree(app.get("/orders/received").body());
            if (received.size() >= expected || System.nanoTime() > deadline) {
                return received;
            }
            PackagedApp.sleep(200);
        }
    }

    private static JsonNode awaitBulkAcks(PackagedApp app) throws Exception {
        long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        while (true) {
            JsonNode stats = JSON.readTree(app.get("/orders/stats").body());
            if (stats.path("acked").asLong() + stats.path("nacked").asLong() >= BULK || System.nanoTime() > deadline) {
                return stats;
            }
            PackagedApp.sleep(100);
        }
    }

    private static void summarize(List<ShardRecord> records, Map<String, String> bodies, Map<String, JsonNode> receipts,
            List<String> problems) {
        Map<String, List<ShardRecord>> byShard = records.stream()
                .collect(Collectors.groupingBy(ShardRecord::shardId, TreeMap::new, Collectors.toList()));
        System.out.println("    shard                  records  partition keys");
        byShard.forEach((shard, ofShard) -> System.out.printf("    %-22s %7d  %d%n", shard, ofShard.size(),
                ofShard.stream().map(ShardRecord::partitionKey).distinct().count()));
        System.out.printf("    %-22s %7d%n", "total", records.size());

        System.out.println("    a few records (key, shard, sequence number, data):");
        byShard.values().forEach(ofShard -> ofShard.stream().limit(2).forEach(record -> System.out.printf(
                "      %-12s %-22s %s  %s%n", record.partitionKey(), record.shardId(), record.sequenceNumber(),
                record.dataAsUtf8())));

        // the single orders: each exactly once, where the answer said it was stored
        bodies.forEach((customer, body) -> {
            List<ShardRecord> found = records.stream().filter(record -> record.partitionKey().equals(customer)).toList();
            JsonNode receipt = receipts.get(customer);
            if (found.size() != 1 || !found.get(0).dataAsUtf8().equals(body)) {
                problems.add("order of " + customer + ": " + found.size() + " record(s) with that key, expected 1 with "
                        + body);
            } else if (receipt != null && (!found.get(0).shardId().equals(receipt.path("shardId").asText())
                    || !found.get(0).sequenceNumber().equals(receipt.path("sequenceNumber").asText()))) {
                problems.add("order of " + customer + " stored at " + found.get(0).shardId() + "/"
                        + found.get(0).sequenceNumber() + ", but the answer said " + receipt);
            }
        });

        // the bulk: every order-<i> exactly once, with its key, in emission order per key
        Map<String, Long> counts = records.stream().filter(record -> record.dataAsUtf8().startsWith("order-"))
                .collect(Collectors.groupingBy(ShardRecord::dataAsUtf8, Collectors.counting()));
        int missing = 0;
        int duplicated = 0;
        for (int i = 0; i < BULK; i++) {
            long count = counts.getOrDefault("order-" + i, 0L);
            missing += count == 0 ? 1 : 0;
            duplicated += count > 1 ? 1 : 0;
        }
        if (missing > 0 || duplicated > 0) {
            problems.add("bulk: " + missing + " order(s) missing, " + duplicated + " written more than once");
        }
        Map<String, List<ShardRecord>> bulkByKey = records.stream()
                .filter(record -> record.partitionKey().startsWith("customer-"))
                .collect(Collectors.groupingBy(ShardRecord::partitionKey));
        bulkByKey.forEach((key, ofKey) -> {
            List<Integer> inSequenceOrder = ofKey.stream()
                    .sorted(Comparator.comparing(record -> new BigInteger(record.sequenceNumber())))
                    .map(record -> Integer.parseInt(record.dataAsUtf8().substring("order-".length())))
                    .toList();
            for (int i = 1; i < inSequenceOrder.size(); i++) {
                if (inSequenceOrder.get(i) < inSequenceOrder.get(i - 1)) {
                    problems.add("orders of " + key + " out of order: order-" + inSequenceOrder.get(i - 1)
                            + " before order-" + inSequenceOrder.get(i));
                    return;
                }
            }
        });
        int expected = bodies.size() + BULK;
        if (records.size() != expected) {
            problems.add("the stream holds " + records.size() + " records, " + expected + " orders were sent");
        }
        System.out.printf("    check: %d orders sent, %d records read back, %d bulk orders missing, %d duplicated, "
                + "per-customer order %s%n", expected, records.size(), missing, duplicated,
                problems.stream().anyMatch(p -> p.contains("out of order")) ? "BROKEN" : "kept");
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void banner(String text) {
        String line = "=".repeat(Math.min(100, text.length() + 4));
        System.out.println(line);
        System.out.println("  " + text);
        System.out.println(line);
    }

    private static void step(String format, Object... args) {
        System.out.println();
        System.out.printf("> [%5.1f s] %s%n", millisSince(DEMO_STARTED) / 1000.0, String.format(format, args));
    }
}
