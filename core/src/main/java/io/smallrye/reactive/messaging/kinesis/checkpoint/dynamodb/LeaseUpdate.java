package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.Lease.n;
import static io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.Lease.s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** An update expression that bumps the counter, conditional on the expected counter (and owner). */
final class LeaseUpdate {
    private final long expectedCounter;
    private final List<String> sets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();

    LeaseUpdate(long expectedCounter) {
        this.expectedCounter = expectedCounter;
        set(Lease.LEASE_COUNTER, n(expectedCounter + 1));
    }

    LeaseUpdate set(String attribute, AttributeValue value) {
        String placeholder = "a" + names.size();
        names.put("#" + placeholder, attribute);
        values.put(":" + placeholder, value);
        sets.add("#" + placeholder + " = :" + placeholder);
        return this;
    }

    LeaseUpdate checkpoint(String checkpoint, long subSequenceNumber) {
        return set(Lease.CHECKPOINT, s(checkpoint))
                .set(Lease.CHECKPOINT_SUB_SEQUENCE, n(subSequenceNumber))
                .set(Lease.OWNER_SWITCHES, n(0));
    }

    LeaseUpdate removeOwner() {
        names.put("#owner", Lease.LEASE_OWNER);
        removes.add("#owner");
        return this;
    }

    LeaseUpdate removeMark() {
        names.put("#mark", Lease.CHECKPOINT_OWNER);
        removes.add("#mark");
        return this;
    }

    /** The request, also conditional on a hand-off from {@code worker} being under way. */
    UpdateItemRequest requestMarkedBy(String table, String key, String worker) {
        names.put("#mark", Lease.CHECKPOINT_OWNER);
        values.put(":worker", s(worker));
        return build(table, key, counterCondition() + " AND #mark = :worker");
    }

    private String counterCondition() {
        names.put("#counter", Lease.LEASE_COUNTER);
        values.put(":expected", n(expectedCounter));
        // a lease the KCL created may have no counter yet: it counts as 0
        return expectedCounter == 0
                ? "(attribute_not_exists(#counter) OR #counter = :expected)"
                : "#counter = :expected";
    }

    /**
     * The request; with a {@code worker}, also conditional on the lease being that worker's: its owner, or the
     * holder handing it over ({@code checkpointOwner}), who still renews and checkpoints until it is done.
     */
    UpdateItemRequest request(String table, String key, String worker) {
        String condition = counterCondition();
        if (worker != null) {
            condition += " AND (#owner = :worker OR #mark = :worker)";
            names.put("#owner", Lease.LEASE_OWNER);
            names.put("#mark", Lease.CHECKPOINT_OWNER);
            values.put(":worker", s(worker));
        }
        return build(table, key, condition);
    }

    private UpdateItemRequest build(String table, String key, String condition) {
        String expression = "SET " + String.join(", ", sets)
                + (removes.isEmpty() ? "" : " REMOVE " + String.join(", ", removes));
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(Lease.LEASE_KEY, s(key)))
                .updateExpression(expression)
                .conditionExpression("attribute_exists(#key) AND " + condition)
                .expressionAttributeNames(withKey(names))
                .expressionAttributeValues(values)
                .build();
    }

    private static Map<String, String> withKey(Map<String, String> names) {
        Map<String, String> all = new HashMap<>(names);
        all.put("#key", Lease.LEASE_KEY);
        return all;
    }
}
