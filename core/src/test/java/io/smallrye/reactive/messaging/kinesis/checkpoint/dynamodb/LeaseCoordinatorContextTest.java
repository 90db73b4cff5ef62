package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardClaim;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The lease table answers on threads of the SDK; the coordinator handles them on its own Vert.x context, where its
 * state lives, and calls the channel's listener and completes the channel's calls there.
 */
class LeaseCoordinatorContextTest {

    static final String SHARD = "shardId-000000000000";
    static final String FOREIGN = "foreign-dynamodb-answers";

    Vertx vertx;
    ExecutorService foreign;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        foreign = Executors.newSingleThreadExecutor(task -> new Thread(task, FOREIGN));
    }

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        foreign.shutdownNow();
    }

    /** Where something ran: the thread, and the Vert.x context current there (null off Vert.x). */
    record Seen(String what, String thread, Context context) {
        static Seen here(String what) {
            return new Seen(what, Thread.currentThread().getName(), Vertx.currentContext());
        }
    }

    /** A lease table of one unowned lease whose every answer completes on the foreign thread, and accepts writes. */
    final class ForeignThreadTable implements DynamoDbAsyncClient {
        final Map<String, AttributeValue> item = Lease.unowned(SHARD, Lease.TRIM_HORIZON, List.of(), "0",
                "340282366920938463463374607431768211455").toItem();
        final List<String> answeredOn = new CopyOnWriteArrayList<>();
        final List<UpdateItemRequest> updates = new CopyOnWriteArrayList<>();
        /** How many of the next UpdateItem calls are answered "throttled". */
        final AtomicInteger throttleNext = new AtomicInteger();
        final AtomicInteger throttled = new AtomicInteger();

        private <T> CompletableFuture<T> answer(Supplier<T> answer) {
            return CompletableFuture.supplyAsync(() -> {
                answeredOn.add(Thread.currentThread().getName());
                return answer.get();
            }, foreign);
        }

        @Override
        public CompletableFuture<DescribeTableResponse> describeTable(DescribeTableRequest request) {
            return answer(() -> DescribeTableResponse.builder()
                    .table(TableDescription.builder().tableStatus(TableStatus.ACTIVE).build()).build());
        }

        @Override
        public CompletableFuture<ScanResponse> scan(ScanRequest request) {
            return answer(() -> ScanResponse.builder().items(List.of(item)).build());
        }

        @Override
        public CompletableFuture<GetItemResponse> getItem(GetItemRequest request) {
            return answer(() -> GetItemResponse.builder().item(item).build());
        }

        @Override
        public CompletableFuture<UpdateItemResponse> updateItem(UpdateItemRequest request) {
            updates.add(request);
            if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throttled.incrementAndGet();
                return answer(() -> {
                    throw ProvisionedThroughputExceededException.builder().message("throttled by the test").build();
                });
            }
            return answer(() -> UpdateItemResponse.builder().build());
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void leaseTableAnswersOnAForeignThreadAreHandledOnTheCoordinatorsContext() {
        ForeignThreadTable client = new ForeignThreadTable();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        List<ShardClaim> claims = new CopyOnWriteArrayList<>();
        LeaseCoordinator[] coordinator = new LeaseCoordinator[1];
        CheckpointStore.OwnershipListener listener = new CheckpointStore.OwnershipListener() {
            @Override
            public void shardLost(String shardId) {
                seen.add(Seen.here("shardLost"));
            }

            @Override
            public void shardAvailable(String shardId) {
                seen.add(Seen.here("shardAvailable"));
                // as a channel does: claims the shard again, now that the coordinator took its lease
                coordinator[0].claim(ShardInfo.of(shardId)).subscribe().with(claim -> {
                    seen.add(Seen.here("claim answered"));
                    claims.add(claim);
                });
            }
        };
        coordinator[0] = new LeaseCoordinator(DynaliteTables.settings("leases", "a", "3s"), client, vertx, listener);

        // from the test's thread: the coordinator starts, takes the free lease and says so; the claim then owns it
        coordinator[0].claim(ShardInfo.of(SHARD)).subscribe().with(claim -> {
            seen.add(Seen.here("claim answered"));
            claims.add(claim);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> claims.stream().anyMatch(ShardClaim::owned));

        Uni<Void> save = coordinator[0]
                .save(SHARD, ShardPosition.of("49590338271490256608559692538361571095921575989136588898"))
                .invoke(() -> seen.add(Seen.here("save answered")));
        save.await().atMost(Duration.ofSeconds(10));
        coordinator[0].release(SHARD, null).invoke(() -> seen.add(Seen.here("release answered")))
                .await().atMost(Duration.ofSeconds(10));
        coordinator[0].close().await().atMost(Duration.ofSeconds(10));

        assertThat(client.answeredOn).as("the table answered on its own thread").isNotEmpty().containsOnly(FOREIGN);
        assertThat(client.updates).as("take, checkpoint, release written").hasSizeGreaterThanOrEqualTo(3);
        assertThat(seen).extracting(Seen::what).contains("shardAvailable", "claim answered", "save answered",
                "release answered");
        Context coordinatorContext = coordinator[0].context().context();
        assertThat(seen).allSatisfy(where -> {
            assertThat(where.thread()).as(where.what()).startsWith("vert.x-eventloop-thread-").isNotEqualTo(FOREIGN);
            assertThat(where.context()).as(where.what()).isSameAs(coordinatorContext);
        });
    }

    @Test
    void aThrottledReleaseIsSentAgainAfterTheBackoffUntilItIsWritten() {
        ForeignThreadTable client = new ForeignThreadTable();
        List<ShardClaim> claims = new CopyOnWriteArrayList<>();
        LeaseCoordinator[] coordinator = new LeaseCoordinator[1];
        CheckpointStore.OwnershipListener listener = new CheckpointStore.OwnershipListener() {
            @Override
            public void shardLost(String shardId) {
            }

            @Override
            public void shardAvailable(String shardId) {
                coordinator[0].claim(ShardInfo.of(shardId)).subscribe().with(claims::add);
            }
        };
        coordinator[0] = new LeaseCoordinator(DynaliteTables.settings("leases", "a", "60s"), client, vertx, listener);
        coordinator[0].claim(ShardInfo.of(SHARD)).subscribe().with(claims::add);
        await().atMost(Duration.ofSeconds(10)).until(() -> claims.stream().anyMatch(ShardClaim::owned));

        client.throttleNext.set(HeldLeases.LAST_WRITE_ATTEMPTS - 1);
        coordinator[0].release(SHARD, ShardPosition.of("49590338271490256608559692538361571095921575989136588898"))
                .await().atMost(Duration.ofSeconds(20));
        System.out.printf("release written after %d throttled UpdateItem answers%n", client.throttled.get());

        assertThat(client.throttled.get()).isEqualTo(HeldLeases.LAST_WRITE_ATTEMPTS - 1);
        coordinator[0].close().await().atMost(Duration.ofSeconds(10));
    }
}
