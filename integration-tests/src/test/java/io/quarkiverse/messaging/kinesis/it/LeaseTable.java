package io.quarkiverse.messaging.kinesis.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynaliteTables;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The lease table that nodes of the orders demo share in the multi-node tests (dynalite): what a test reads of it,
 * and the settings that make a node use it.
 */
final class LeaseTable {

    private final DynamoDbAsyncClient dynamoDb;
    private final String name;

    LeaseTable(DynamoDbAsyncClient dynamoDb, String name) {
        this.dynamoDb = dynamoDb;
        this.name = name;
    }

    /**
     * The orders demo's settings for a node reading {@code stream} with its leases in this table: one application
     * (the table's name), the worker id, the failover time, checkpoints every second, and its receipt log.
     */
    Map<String, String> nodeProperties(KinesisMock kinesis, Dynalite dynalite, String stream, String worker,
            Duration failover, boolean handoff, Path receiptLog) {
        Map<String, String> properties = new TreeMap<>();
        properties.put("mp.messaging.connector.smallrye-kinesis.endpoint-override", kinesis.endpoint().toString());
        properties.put("mp.messaging.connector.smallrye-kinesis.region", kinesis.region());
        properties.put("aws.accessKeyId", KinesisMock.ACCESS_KEY_ID);
        properties.put("aws.secretAccessKey", KinesisMock.SECRET_ACCESS_KEY);
        properties.put("mp.messaging.outgoing.orders-out.stream", stream);
        properties.put("mp.messaging.incoming.orders.stream", stream);
        properties.put("mp.messaging.incoming.orders.checkpoint-store", "dynamodb");
        properties.put("mp.messaging.incoming.orders.application-name", name);
        properties.put("mp.messaging.incoming.orders.worker-id", worker);
        properties.put("mp.messaging.incoming.orders.failover-time", failover.toSeconds() + "s");
        properties.put("mp.messaging.incoming.orders.checkpoint-interval", "1s");
        properties.put("mp.messaging.incoming.orders.dynamodb-endpoint-override", dynalite.endpoint().toString());
        properties.put("mp.messaging.incoming.orders.lease-graceful-handoff", String.valueOf(handoff));
        properties.put("orders.received-log", receiptLog.toString());
        return properties;
    }

    /** The table's items; none while it does not exist yet. */
    List<Map<String, AttributeValue>> items() {
        try {
            return DynaliteTables.items(dynamoDb, name);
        } catch (RuntimeException tableNotThereYet) {
            return List.of();
        }
    }

    /** Shard to owner (null when nobody holds it). */
    Map<String, String> owners() {
        return column("leaseOwner");
    }

    /** Shard to checkpoint. */
    Map<String, String> checkpoints() {
        return column("checkpoint");
    }

    /** Owner (the text "null" for leases nobody holds) to the number of leases it holds. */
    Map<String, Long> countsByOwner() {
        return countsByOwner(owners());
    }

    /** {@link #countsByOwner()} of an {@link #owners()} read earlier. */
    static Map<String, Long> countsByOwner(Map<String, String> owners) {
        return owners.values().stream()
                .collect(Collectors.groupingBy(String::valueOf, TreeMap::new, Collectors.counting()));
    }

    Set<String> heldBy(String node) {
        return owners().entrySet().stream().filter(e -> node.equals(e.getValue())).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /** Whether no graceful hand-off is under way (no lease names a checkpoint owner). */
    boolean noHandOffUnderWay() {
        return items().stream().noneMatch(item -> item.containsKey("checkpointOwner"));
    }

    private Map<String, String> column(String attribute) {
        Map<String, String> values = new TreeMap<>();
        items().forEach(item -> values.put(item.get("leaseKey").s(),
                item.containsKey(attribute) ? item.get(attribute).s() : null));
        return values;
    }

    @Override
    public String toString() {
        return name;
    }
}
