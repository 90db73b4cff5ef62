package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.Lease.n;
import static io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.Lease.s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The lease table's reads and writes. Every write that changes a held lease is conditional on the counter the writer
 * last saw and on its ownership, and bumps the counter: a stage completed with {@code false} means the condition
 * failed, i.e. the lease is no longer the writer's.
 */
final class LeaseTable {

    private final DynamoDbAsyncClient client;
    private final String name;
    private final LeaseSettings settings;

    LeaseTable(DynamoDbAsyncClient client, LeaseSettings settings) {
        this.client = client;
        this.name = settings.tableName();
        this.settings = settings;
    }

    String name() {
        return name;
    }

    /** The table's status (ACTIVE, CREATING, ...), creating the table when it does not exist. */
    CompletionStage<String> describeOrCreate() {
        return client.describeTable(b -> b.tableName(name))
                .thenApply(answer -> answer.table().tableStatusAsString())
                .exceptionallyCompose(failure -> {
                    if (!(unwrap(failure) instanceof ResourceNotFoundException)) {
                        return CompletableFuture.failedFuture(unwrap(failure));
                    }
                    return client.createTable(createRequest())
                            .thenApply(created -> created.tableDescription().tableStatusAsString())
                            .exceptionallyCompose(raced -> unwrap(raced) instanceof ResourceInUseException
                                    ? CompletableFuture.completedFuture(TableStatus.CREATING.toString()) // another node
                                    : CompletableFuture.failedFuture(unwrap(raced)));
                });
    }

    private CreateTableRequest createRequest() {
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .keySchema(KeySchemaElement.builder().attributeName(Lease.LEASE_KEY).keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName(Lease.LEASE_KEY)
                        .attributeType(ScalarAttributeType.S).build());
        if (settings.provisioned()) {
            long capacity = settings.capacity();
            request.billingMode(BillingMode.PROVISIONED).provisionedThroughput(ProvisionedThroughput.builder()
                    .readCapacityUnits(capacity).writeCapacityUnits(capacity).build());
        } else {
            request.billingMode(BillingMode.PAY_PER_REQUEST);
        }
        return request.build();
    }

    /** Every lease of the table (consistent read). */
    CompletionStage<List<Lease>> scan() {
        return scanFrom(null, new ArrayList<>());
    }

    private CompletionStage<List<Lease>> scanFrom(Map<String, AttributeValue> start, List<Lease> leases) {
        ScanRequest.Builder request = ScanRequest.builder().tableName(name).consistentRead(true);
        if (start != null) {
            request.exclusiveStartKey(start);
        }
        return client.scan(request.build()).thenCompose(page -> {
            page.items().forEach(item -> leases.add(Lease.fromItem(item)));
            return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                    ? scanFrom(page.lastEvaluatedKey(), leases)
                    : CompletableFuture.completedFuture(leases);
        });
    }

    /** The lease of a shard (consistent read). */
    CompletionStage<Optional<Lease>> get(String key) {
        return client.getItem(b -> b.tableName(name).consistentRead(true).key(Map.of(Lease.LEASE_KEY, s(key))))
                .thenApply(answer -> answer.hasItem() && !answer.item().isEmpty()
                        ? Optional.of(Lease.fromItem(answer.item()))
                        : Optional.empty());
    }

    /** Writes a new lease; {@code false} when the shard already had one. */
    CompletionStage<Boolean> create(Lease lease) {
        return conditional(client.putItem(b -> b.tableName(name).item(lease.toItem())
                .conditionExpression("attribute_not_exists(#key)")
                .expressionAttributeNames(Map.of("#key", Lease.LEASE_KEY))));
    }

    /** Takes a lease as last seen (unowned, expired or stolen): conditional on the counter seen. */
    CompletionStage<Boolean> take(Lease seen, String worker) {
        Update update = new Update(seen.counter())
                .set(Lease.LEASE_OWNER, s(worker))
                .set(Lease.OWNER_SWITCHES, n(seen.ownerSwitches() + (worker.equals(seen.owner()) ? 0 : 1)));
        return conditional(client.updateItem(update.request(name, seen.key(), null)));
    }

    /** Shows the holder is alive. */
    CompletionStage<Boolean> renew(String key, long counter, String worker) {
        return conditional(client.updateItem(new Update(counter).request(name, key, worker)));
    }

    /** Records the position up to which the shard was processed. */
    CompletionStage<Boolean> checkpoint(String key, long counter, String worker, ShardPosition position) {
        Update update = new Update(counter).checkpoint(position.sequenceNumberAsString(), position.subSequenceNumber());
        return conditional(client.updateItem(update.request(name, key, worker)));
    }

    /** Gives the lease up (after a last checkpoint when {@code position} is not null), so others take it at once. */
    CompletionStage<Boolean> release(String key, long counter, String worker, ShardPosition position) {
        Update update = new Update(counter).removeOwner();
        if (position != null) {
            update.checkpoint(position.sequenceNumberAsString(), position.subSequenceNumber());
        }
        return conditional(client.updateItem(update.request(name, key, worker)));
    }

    /** Records that the shard was read to its end and fully processed, names its children, and gives it up. */
    CompletionStage<Boolean> end(String key, long counter, String worker, List<String> children) {
        Update update = new Update(counter).removeOwner().checkpoint(Lease.SHARD_END, 0);
        if (!children.isEmpty()) {
            update.set(Lease.CHILD_SHARD_IDS, AttributeValue.fromSs(children));
        }
        return conditional(client.updateItem(update.request(name, key, worker)));
    }

    private static CompletionStage<Boolean> conditional(CompletionStage<?> write) {
        return write.handle((ignored, failure) -> {
            if (failure == null) {
                return true;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof ConditionalCheckFailedException) {
                return false;
            }
            throw new CompletionException(cause);
        });
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** An update expression that bumps the counter, conditional on the expected counter (and owner). */
    private static final class Update {
        private final long expectedCounter;
        private final List<String> sets = new ArrayList<>();
        private final List<String> removes = new ArrayList<>();
        private final Map<String, String> names = new HashMap<>();
        private final Map<String, AttributeValue> values = new HashMap<>();

        Update(long expectedCounter) {
            this.expectedCounter = expectedCounter;
            set(Lease.LEASE_COUNTER, n(expectedCounter + 1));
        }

        Update set(String attribute, AttributeValue value) {
            String placeholder = "a" + names.size();
            names.put("#" + placeholder, attribute);
            values.put(":" + placeholder, value);
            sets.add("#" + placeholder + " = :" + placeholder);
            return this;
        }

        Update checkpoint(String checkpoint, long subSequenceNumber) {
            return set(Lease.CHECKPOINT, s(checkpoint))
                    .set(Lease.CHECKPOINT_SUB_SEQUENCE, n(subSequenceNumber))
                    .set(Lease.OWNER_SWITCHES, n(0));
        }

        Update removeOwner() {
            names.put("#owner", Lease.LEASE_OWNER);
            removes.add("#owner");
            return this;
        }

        /** The request; with a {@code worker}, also conditional on the lease being that worker's. */
        UpdateItemRequest request(String table, String key, String worker) {
            names.put("#counter", Lease.LEASE_COUNTER);
            // a lease the KCL created may have no counter yet: it counts as 0
            String condition = expectedCounter == 0
                    ? "(attribute_not_exists(#counter) OR #counter = :expected)"
                    : "#counter = :expected";
            values.put(":expected", n(expectedCounter));
            if (worker != null) {
                condition += " AND #owner = :worker";
                names.put("#owner", Lease.LEASE_OWNER);
                values.put(":worker", s(worker));
            }
            String expression = "SET " + String.join(", ", sets)
                    + (removes.isEmpty() ? "" : " REMOVE " + String.join(", ", removes));
            return UpdateItemRequest.builder()
                    .tableName(table)
                    .key(Map.of(Lease.LEASE_KEY, s(key)))
                    .updateExpression(expression)
                    .conditionExpression("attribute_exists(" + "#key" + ") AND " + condition)
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
}
