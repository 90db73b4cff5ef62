package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.Lease.n;
import static io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.Lease.s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
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
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The lease table's reads and writes, as {@link Uni}s: a request is sent when the Uni is subscribed, and its answer
 * (item or failure, without the async client's CompletionException layer) is delivered on the {@code answers}
 * executor, the coordinator's context (see {@link #call(Supplier)}, the one place where answers hop). Every write that
 * changes a held lease is conditional on the counter the writer last saw and on its ownership, and bumps the counter:
 * {@code false} means the condition failed, i.e. the lease is no longer the writer's.
 * <p>
 * Failures are not retried here: the coordinator tries again at its own cadence (renewal, taking, table polling).
 * Two error answers are outcomes of the request rather than failures: ConditionalCheckFailedException (the condition
 * of a conditional write failed) and ResourceInUseException to CreateTable (another node is creating the table). The
 * table missing is told by {@link AwsErrors#classify(Throwable)} ({@link FailureKind#NOT_FOUND}).
 */
final class LeaseTable {

    private final DynamoDbAsyncClient client;
    private final String name;
    private final LeaseSettings settings;
    private final Executor answers;
    private final LeaseKeys keys;

    /** A table whose answers are delivered on the {@code answers} executor. */
    LeaseTable(DynamoDbAsyncClient client, LeaseSettings settings, Executor answers) {
        this.client = client;
        this.name = settings.tableName();
        this.settings = settings;
        this.answers = answers;
        this.keys = new LeaseKeys(settings.channel(), settings.stream(), settings.multiStream());
    }

    /** How leases are keyed in the table (shard ids, or the KCL's multi-stream keys). */
    LeaseKeys keys() {
        return keys;
    }

    /** A table whose answers are delivered on the SDK's threads (tests, tools). */
    LeaseTable(DynamoDbAsyncClient client, LeaseSettings settings) {
        this(client, settings, Runnable::run);
    }

    String name() {
        return name;
    }

    /** Sends the request on subscription; the answer arrives on the {@code answers} executor. */
    private <T> Uni<T> call(Supplier<CompletableFuture<T>> request) {
        return Uni.createFrom().completionStage(request)
                .onFailure().transform(AwsErrors::unwrap)
                .emitOn(answers);
    }

    /** The table's status (ACTIVE, CREATING, ...), creating the table when it does not exist. */
    Uni<String> describeOrCreate() {
        return call(() -> client.describeTable(b -> b.tableName(name)))
                .map(answer -> answer.table().tableStatusAsString())
                .onFailure(failure -> AwsErrors.classify(failure) == FailureKind.NOT_FOUND)
                .recoverWithUni(this::createTable);
    }

    private Uni<String> createTable() {
        return call(() -> client.createTable(createRequest()))
                .map(created -> created.tableDescription().tableStatusAsString())
                .onFailure(ResourceInUseException.class)
                .recoverWithItem(TableStatus.CREATING.toString()); // another node creates it
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
    Uni<List<Lease>> scan() {
        return scanFrom(null, new ArrayList<>());
    }

    private Uni<List<Lease>> scanFrom(Map<String, AttributeValue> start, List<Lease> leases) {
        ScanRequest.Builder request = ScanRequest.builder().tableName(name).consistentRead(true);
        if (start != null) {
            request.exclusiveStartKey(start);
        }
        return call(() -> client.scan(request.build())).chain(page -> {
            for (Map<String, AttributeValue> item : page.items()) {
                Lease lease = keys.fromItem(item);
                if (lease != null) { // null: a lease of another stream of a multi-stream table
                    leases.add(lease);
                }
            }
            return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                    ? scanFrom(page.lastEvaluatedKey(), leases)
                    : Uni.createFrom().item(leases);
        });
    }

    /** The lease of a shard (consistent read). */
    Uni<Optional<Lease>> get(String key) {
        String tableKey = keys.key(key);
        return call(() -> client.getItem(b -> b.tableName(name).consistentRead(true).key(Map.of(Lease.LEASE_KEY, s(tableKey)))))
                .map(answer -> answer.hasItem() && !answer.item().isEmpty()
                        ? Optional.ofNullable(keys.fromItem(answer.item()))
                        : Optional.empty());
    }

    /** Writes a new lease; {@code false} when the shard already had one. */
    Uni<Boolean> create(Lease lease) {
        Map<String, AttributeValue> item = keys.toItem(lease);
        return conditional(() -> client.putItem(b -> b.tableName(name).item(item)
                .conditionExpression("attribute_not_exists(#key)")
                .expressionAttributeNames(Map.of("#key", Lease.LEASE_KEY))));
    }

    /**
     * Takes a lease as last seen (unowned, expired, stolen, or marked for a hand-off whose holder is gone): conditional
     * on the counter seen. Ends any hand-off under way, as the KCL's take does.
     */
    Uni<Boolean> take(Lease seen, String worker) {
        LeaseUpdate update = new LeaseUpdate(seen.counter())
                .set(Lease.LEASE_OWNER, s(worker))
                .set(Lease.OWNER_SWITCHES, n(seen.ownerSwitches() + (worker.equals(seen.owner()) ? 0 : 1)))
                .removeMark();
        String key = keys.key(seen.key());
        return conditional(() -> client.updateItem(update.request(name, key, null)));
    }

    /**
     * Starts a graceful hand-off of a lease held by another live worker, as KCL 3's initiateGracefulLeaseHandoff does:
     * {@code leaseOwner} becomes {@code worker}, {@code checkpointOwner} the holder seen; conditional on the lease still
     * being the holder's with no hand-off under way. The counter is not bumped, so the holder's renewals go on.
     */
    Uni<Boolean> mark(Lease seen, String worker) {
        String key = keys.key(seen.key());
        return conditional(() -> client.updateItem(b -> b.tableName(name)
                .key(Map.of(Lease.LEASE_KEY, s(key)))
                .updateExpression("SET #owner = :worker, #mark = :holder")
                .conditionExpression("attribute_exists(#key) AND #owner = :holder AND attribute_not_exists(#mark)")
                .expressionAttributeNames(Map.of("#key", Lease.LEASE_KEY, "#owner", Lease.LEASE_OWNER, "#mark",
                        Lease.CHECKPOINT_OWNER))
                .expressionAttributeValues(Map.of(":worker", s(worker), ":holder", s(seen.owner())))));
    }

    /**
     * Shows the holder is alive; the lease as written, or empty when it is no longer the holder's. The answer tells
     * the holder when another worker marked the lease for a hand-off.
     */
    Uni<Optional<Lease>> renew(String key, long counter, String worker) {
        UpdateItemRequest request = new LeaseUpdate(counter).request(name, keys.key(key), worker).toBuilder()
                .returnValues(ReturnValue.ALL_NEW).build();
        return call(() -> client.updateItem(request))
                .map(answer -> Optional.ofNullable(keys.fromItem(answer.attributes())))
                .onFailure(ConditionalCheckFailedException.class).recoverWithItem(Optional.empty());
    }

    /** Records the position up to which the shard was processed. */
    Uni<Boolean> checkpoint(String key, long counter, String worker, ShardPosition position) {
        LeaseUpdate update = new LeaseUpdate(counter).checkpoint(position.sequenceNumberAsString(),
                position.subSequenceNumber());
        String tableKey = keys.key(key);
        return conditional(() -> client.updateItem(update.request(name, tableKey, worker)));
    }

    /** Gives the lease up (after a last checkpoint when {@code position} is not null), so others take it at once. */
    Uni<Boolean> release(String key, long counter, String worker, ShardPosition position) {
        LeaseUpdate update = new LeaseUpdate(counter).removeOwner().removeMark();
        if (position != null) {
            update.checkpoint(position.sequenceNumberAsString(), position.subSequenceNumber());
        }
        String tableKey = keys.key(key);
        return conditional(() -> client.updateItem(update.request(name, tableKey, worker)));
    }

    /**
     * Ends a graceful hand-off from the holder's side, as KCL 3's transfer does: the last checkpoint (when
     * {@code position} is not null), {@code checkpointOwner} removed, {@code leaseOwner} left to the worker taking the
     * lease; conditional on the counter and on the hand-off still being from {@code worker}.
     */
    Uni<Boolean> handOver(String key, long counter, String worker, ShardPosition position) {
        LeaseUpdate update = new LeaseUpdate(counter).removeMark();
        if (position != null) {
            update.checkpoint(position.sequenceNumberAsString(), position.subSequenceNumber());
        }
        String tableKey = keys.key(key);
        return conditional(() -> client.updateItem(update.requestMarkedBy(name, tableKey, worker)));
    }

    /** Records that the shard was read to its end and fully processed, names its children, and gives it up. */
    Uni<Boolean> end(String key, long counter, String worker, List<String> children) {
        LeaseUpdate update = new LeaseUpdate(counter).removeOwner().removeMark().checkpoint(Lease.SHARD_END, 0);
        if (!children.isEmpty()) {
            update.set(Lease.CHILD_SHARD_IDS, AttributeValue.fromSs(children));
        }
        String tableKey = keys.key(key);
        return conditional(() -> client.updateItem(update.request(name, tableKey, worker)));
    }

    /**
     * Deletes a lease no longer needed, only while its checkpoint is still {@code checkpoint} (SHARD_END for a
     * finished shard; the one last seen for a shard gone from the stream): a lease written meanwhile is kept.
     * {@code false} when it was kept (or is gone already).
     */
    Uni<Boolean> delete(String key, String checkpoint) {
        String tableKey = keys.key(key);
        return conditional(() -> client.deleteItem(b -> b.tableName(name).key(Map.of(Lease.LEASE_KEY, s(tableKey)))
                .conditionExpression(checkpoint == null ? "attribute_exists(#key) AND attribute_not_exists(#checkpoint)"
                        : "attribute_exists(#key) AND #checkpoint = :checkpoint")
                .expressionAttributeNames(Map.of("#key", Lease.LEASE_KEY, "#checkpoint", Lease.CHECKPOINT))
                .expressionAttributeValues(checkpoint == null ? null : Map.of(":checkpoint", s(checkpoint)))));
    }

    /** {@code true} when the write was made, {@code false} when its condition failed. */
    private <T> Uni<Boolean> conditional(Supplier<CompletableFuture<T>> write) {
        return call(write).map(ignored -> true)
                .onFailure(ConditionalCheckFailedException.class).recoverWithItem(false);
    }
}
