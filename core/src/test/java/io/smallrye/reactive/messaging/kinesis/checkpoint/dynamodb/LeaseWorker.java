package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.vertx.core.Vertx;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * A worker sharing a lease table in dynalite, acting as a channel does: it claims a shard when told it is available and
 * "reads" it while the claim says it is owned; the time (System.nanoTime) each shard was gained and lost is kept, and
 * the position "processed" per shard ({@link #processed}), released when the store asks for a hand-off.
 */
final class LeaseWorker implements CheckpointStore.OwnershipListener {

    static final List<String> SHARDS = IntStream.range(0, 6).mapToObj(i -> "shardId-00000000000" + i).toList();

    final String id;
    final AtomicBoolean outage = new AtomicBoolean();
    /** When set, hand-offs are not answered (the worker acts as if gone). */
    final AtomicBoolean ignoreHandOffs = new AtomicBoolean();
    final DynamoDbAsyncClient client;
    final LeaseCoordinator coordinator;
    final Map<String, Long> reading = new ConcurrentHashMap<>();
    final Map<String, Long> lostAt = new ConcurrentHashMap<>();
    final Map<String, ShardClaim> claims = new ConcurrentHashMap<>();
    final Map<String, ShardPosition> processed = new ConcurrentHashMap<>();
    final Map<String, Long> releasedAt = new ConcurrentHashMap<>();
    /** What happened, in order: "hand-off shard", "released shard", "reading shard from claim". */
    final List<String> events = new CopyOnWriteArrayList<>();

    LeaseWorker(Dynalite dynalite, Vertx vertx, String id, String table, String failover) {
        this(dynalite, vertx, DynaliteTables.settings(table, id, failover));
    }

    LeaseWorker(Dynalite dynalite, Vertx vertx, LeaseSettings settings) {
        this.id = settings.workerId();
        this.client = DynaliteTables.client(dynalite, new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (outage.get()) {
                    throw SdkClientException.create("injected outage: table unreachable");
                }
            }
        });
        this.coordinator = new LeaseCoordinator(settings, client, vertx, this);
    }

    void claimAll() {
        SHARDS.forEach(this::claim);
    }

    void claim(String shard) {
        coordinator.claim(ShardInfo.of(shard)).subscribe().with(claim -> {
            if (claim.owned() && !claim.ended()) {
                claims.put(shard, claim);
                if (reading.putIfAbsent(shard, System.nanoTime()) == null) {
                    events.add("reading " + shard + " " + claim);
                }
            }
        }, failure -> {
            // claimed again when told the shard is available
        });
    }

    @Override
    public void shardLost(String shardId) {
        if (reading.remove(shardId) != null) {
            lostAt.put(shardId, System.nanoTime());
        }
    }

    @Override
    public void shardAvailable(String shardId) {
        if (!reading.containsKey(shardId)) {
            claim(shardId);
        }
    }

    /** Stops "reading" at once; the records in flight take a moment; then releases with the position processed. */
    @Override
    public void shardHandOff(String shardId, Duration drainTimeout) {
        events.add("hand-off " + shardId);
        if (ignoreHandOffs.get()) {
            return;
        }
        if (reading.remove(shardId) != null) {
            lostAt.put(shardId, System.nanoTime());
        }
        coordinator.context().setTimer(100, () -> coordinator.release(shardId, processed.get(shardId)).subscribe()
                .with(ignored -> {
                    releasedAt.put(shardId, System.nanoTime());
                    events.add("released " + shardId);
                }, failure -> events.add("release failed " + shardId + ": " + failure.getMessage())));
    }

    void close() {
        coordinator.close().await().indefinitely();
        client.close();
    }
}
