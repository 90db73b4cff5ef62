package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.LogCapture;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;

/**
 * Lease clean-up against dynalite, with the exact table contents and scan/delete interleavings set by the test: which
 * leases go (the KCL's rules), which stay, and what a lease written between the scan and the delete does.
 */
class LeaseCleanerTest {

    static final String P = "shardId-000000000000";
    static final String C1 = "shardId-000000000001";
    static final String C2 = "shardId-000000000002";
    static final String M = "shardId-000000000003";
    static final String SEQ = "49590338271490256608559692538361571095921575989136588898";

    static Dynalite dynalite;
    static DynamoDbAsyncClient client;
    static final AtomicBoolean deletesFail = new AtomicBoolean();

    @BeforeAll
    static void start() {
        dynalite = new Dynalite();
        dynalite.start();
        client = DynaliteTables.client(dynalite, new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (deletesFail.get() && context.request() instanceof DeleteItemRequest) {
                    throw SdkClientException.create("injected: connection reset");
                }
            }
        });
    }

    @AfterAll
    static void stop() {
        client.close();
        dynalite.stop();
    }

    /** A table, and a cleaner for worker "a" with a garbage interval of {@code garbage}. */
    private static LeaseCleaner cleaner(LeaseTable table, ListedShards listed, Duration garbage) {
        LeaseSettings settings = DynaliteTables.settings(table.name(), "a", "10s")
                .withCleanup(true, Duration.ofSeconds(1), garbage);
        return new LeaseCleaner(settings, table, listed, deleted -> {
        });
    }

    private static LeaseTable newTable() {
        LeaseTable table = new LeaseTable(client, DynaliteTables.settings(DynaliteTables.newTableName(), "a", "10s"));
        table.describeOrCreate().await().indefinitely();
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> table.describeOrCreate().await().indefinitely().equals("ACTIVE"));
        return table;
    }

    private static void put(LeaseTable table, String key, String owner, String checkpoint, List<String> parents,
            List<String> children) {
        Lease lease = new Lease(key, owner, 3, checkpoint, 0, 0, parents, children, null, null);
        client.putItem(b -> b.tableName(table.name()).item(lease.toItem())).join();
    }

    private static Set<String> keys(LeaseTable table) {
        return table.scan().await().indefinitely().stream().map(Lease::key).collect(Collectors.toSet());
    }

    private static void scan(LeaseTable table, LeaseCleaner cleaner) {
        cleaner.scanned(table.scan().await().indefinitely());
    }

    private static void completedPass(LeaseTable table, LeaseCleaner cleaner) {
        scan(table, cleaner);
        cleaner.completedPass().await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void aFinishedParentIsDeletedOnceEveryChildHasACheckpoint() {
        LeaseTable table = newTable();
        LeaseCleaner cleaner = cleaner(table, new ListedShards(), Duration.ofMinutes(30));
        put(table, P, null, Lease.SHARD_END, List.of(), List.of(C1, C2));
        put(table, C1, "a", SEQ, List.of(P), List.of());
        put(table, C2, "b", Lease.TRIM_HORIZON, List.of(P), List.of());

        completedPass(table, cleaner);
        assertThat(keys(table)).as("child %s has not started", C2).contains(P);

        put(table, C2, "b", SEQ, List.of(P), List.of());
        completedPass(table, cleaner);
        assertThat(keys(table)).containsExactlyInAnyOrder(C1, C2);
    }

    @Test
    void aFinishedParentIsKeptWhileAChildHasNoLeaseOrStartsAtATimestamp() {
        LeaseTable table = newTable();
        LeaseCleaner cleaner = cleaner(table, new ListedShards(), Duration.ofMinutes(30));
        put(table, P, null, Lease.SHARD_END, List.of(), List.of(C1, C2));
        put(table, C1, null, Lease.AT_TIMESTAMP, List.of(P), List.of());

        completedPass(table, cleaner);
        assertThat(keys(table)).contains(P);

        put(table, C1, "a", SEQ, List.of(P), List.of());
        completedPass(table, cleaner);
        assertThat(keys(table)).as("no lease for %s yet", C2).contains(P);
    }

    @Test
    void childrenUnknownToTheLeaseAreTakenFromTheListing() {
        LeaseTable table = newTable();
        ListedShards listed = new ListedShards();
        LeaseCleaner cleaner = cleaner(table, listed, Duration.ofMinutes(30));
        put(table, P, null, Lease.SHARD_END, List.of(), List.of()); // ended by a node that did not know its children
        put(table, C1, "a", SEQ, List.of(P), List.of());

        completedPass(table, cleaner);
        assertThat(keys(table)).as("children unknown").contains(P);

        cleaner.listed(List.of(ShardInfo.of(P), new ShardInfo(C1, List.of(P), null, null)));
        completedPass(table, cleaner);
        assertThat(keys(table)).containsExactly(C1);
    }

    @Test
    void theOldestLeaseGoesFirstAndItsChildOnlyAtTheNextCleanUp() {
        LeaseTable table = newTable();
        LeaseCleaner cleaner = cleaner(table, new ListedShards(), Duration.ofMinutes(30));
        // P split into C1 and C2, which were merged into M, which is read
        put(table, P, null, Lease.SHARD_END, List.of(), List.of(C1, C2));
        put(table, C1, null, Lease.SHARD_END, List.of(P), List.of(M));
        put(table, C2, null, Lease.SHARD_END, List.of(P), List.of(M));
        put(table, M, "a", SEQ, List.of(C1, C2), List.of());

        completedPass(table, cleaner);
        assertThat(keys(table)).as("children kept while their parent's lease exists").containsExactlyInAnyOrder(C1, C2,
                M);

        completedPass(table, cleaner);
        assertThat(keys(table)).containsExactly(M);
    }

    @Test
    void aLeaseWrittenBetweenTheScanAndTheDeleteIsKept() {
        LeaseTable table = newTable();
        LeaseCleaner cleaner = cleaner(table, new ListedShards(), Duration.ofMinutes(30));
        put(table, P, null, Lease.SHARD_END, List.of(), List.of(C1));
        put(table, C1, "a", SEQ, List.of(P), List.of());
        scan(table, cleaner);

        // meanwhile, the lease no longer says SHARD_END (a tool reset it, say)
        put(table, P, "b", SEQ, List.of(), List.of(C1));
        cleaner.completedPass().await().atMost(Duration.ofSeconds(10));
        assertThat(keys(table)).containsExactlyInAnyOrder(P, C1);
    }

    @Test
    void onlyTheNodeWithTheSmallestWorkerIdCleans() {
        LeaseTable table = newTable();
        LeaseCleaner cleaner = cleaner(table, new ListedShards(), Duration.ofMinutes(30)); // worker "a"
        put(table, P, null, Lease.SHARD_END, List.of(), List.of(C1));
        put(table, C1, "0-first", SEQ, List.of(P), List.of());

        completedPass(table, cleaner);
        assertThat(keys(table)).as("worker '0-first' cleans, not 'a'").contains(P);

        put(table, C1, "b", SEQ, List.of(P), List.of());
        completedPass(table, cleaner);
        assertThat(keys(table)).containsExactly(C1);
    }

    @Test
    void aLeaseOfAShardGoneFromTheStreamIsDeletedAfterTwoListingsOverTheGarbageInterval() throws Exception {
        LeaseTable table = newTable();
        ListedShards listed = new ListedShards();
        LeaseCleaner cleaner = cleaner(table, listed, Duration.ofMillis(300));
        put(table, P, "b", SEQ, List.of(), List.of()); // held, checkpointed: its shard was read, then trimmed
        put(table, C1, "b", SEQ, List.of(P), List.of());
        List<ShardInfo> listing = List.of(new ShardInfo(C1, List.of(P), null, null));

        scan(table, cleaner);
        cleaner.listed(listing);
        Thread.sleep(400);
        cleaner.garbagePass().await().atMost(Duration.ofSeconds(10));
        assertThat(keys(table)).as("missing from one listing only").contains(P);

        cleaner.listed(List.of()); // an empty answer is no listing
        cleaner.garbagePass().await().atMost(Duration.ofSeconds(10));
        assertThat(keys(table)).contains(P);

        cleaner.listed(listing);
        cleaner.garbagePass().await().atMost(Duration.ofSeconds(10));
        assertThat(keys(table)).containsExactly(C1);
    }

    @Test
    void aLeaseMissingFromAListingIsKeptWhenTheNextListingHasItOrWhenSeenAfterTheListing() throws Exception {
        LeaseTable table = newTable();
        ListedShards listed = new ListedShards();
        LeaseCleaner cleaner = cleaner(table, listed, Duration.ofMillis(100));
        put(table, C1, "b", SEQ, List.of(), List.of());
        List<ShardInfo> without = List.of(ShardInfo.of(C2));

        // C1's lease first seen after a listing that lacked it: that listing may predate the shard
        cleaner.listed(without);
        scan(table, cleaner);
        cleaner.listed(without);
        Thread.sleep(200);
        cleaner.garbagePass().await().atMost(Duration.ofSeconds(10));
        assertThat(keys(table)).contains(C1);

        // listed again: it exists (an eventually consistent answer lacked it)
        cleaner.listed(List.of(ShardInfo.of(C1), ShardInfo.of(C2)));
        cleaner.listed(without);
        Thread.sleep(200);
        cleaner.garbagePass().await().atMost(Duration.ofSeconds(10));
        assertThat(keys(table)).contains(C1);
    }

    @Test
    void aGoneShardsLeaseCheckpointedBetweenTheScanAndTheDeleteIsKept() throws Exception {
        LeaseTable table = newTable();
        ListedShards listed = new ListedShards();
        LeaseCleaner cleaner = cleaner(table, listed, Duration.ofMillis(100));
        put(table, C1, "b", SEQ, List.of(), List.of());
        scan(table, cleaner);
        cleaner.listed(List.of(ShardInfo.of(C2)));
        cleaner.listed(List.of(ShardInfo.of(C2)));
        Thread.sleep(200);

        put(table, C1, "b", SEQ + "1", List.of(), List.of()); // its holder still reads it
        cleaner.garbagePass().await().atMost(Duration.ofSeconds(10));
        assertThat(keys(table)).contains(C1);
    }

    @Test
    void failedDeletesAreLoggedOnceAndTriedAgainAtTheNextCleanUp() {
        LeaseTable table = newTable();
        LeaseCleaner cleaner = cleaner(table, new ListedShards(), Duration.ofMinutes(30));
        put(table, P, null, Lease.SHARD_END, List.of(), List.of(C1));
        put(table, C1, "a", SEQ, List.of(P), List.of());
        try (LogCapture logs = LogCapture.start()) {
            deletesFail.set(true);
            completedPass(table, cleaner);
            completedPass(table, cleaner);
            completedPass(table, cleaner);
            assertThat(keys(table)).contains(P);
            assertThat(logs.containing("SRKIN1812")).singleElement().satisfies(line -> assertThat(line)
                    .contains(P).contains(table.name()).contains("injected: connection reset"));
            assertThat(logs.withStackTrace()).isEmpty();

            deletesFail.set(false);
            completedPass(table, cleaner);
            assertThat(keys(table)).containsExactly(C1);
        } finally {
            deletesFail.set(false);
        }
    }

    @Test
    void aStartedDescendantMarksAShardWithoutALeaseAsCleanedUp() {
        LeaseTable table = newTable();
        ListedShards listed = new ListedShards();
        LeaseCleaner cleaner = cleaner(table, listed, Duration.ofMinutes(30));
        cleaner.listed(List.of(ShardInfo.of(P), new ShardInfo(C1, List.of(P), null, null),
                new ShardInfo(C2, List.of(P), null, null), new ShardInfo(M, List.of(C1, C2), null, null)));

        assertThat(cleaner.startedDescendant(P).await().indefinitely()).as("no lease at all: a new application")
                .isEmpty();
        // C1 ended: the merged child's lease exists, but C2 may not even have a lease yet: it must be read
        put(table, C1, null, Lease.SHARD_END, List.of(P), List.of(M));
        put(table, M, null, Lease.TRIM_HORIZON, List.of(C1, C2), List.of());
        assertThat(cleaner.startedDescendant(C2).await().indefinitely()).isEmpty();

        put(table, M, "b", SEQ, List.of(C1, C2), List.of());
        // not in a scan yet: read from the table
        assertThat(cleaner.startedDescendant(C2).await().indefinitely()).contains(M);
        scan(table, cleaner);
        assertThat(cleaner.startedDescendant(P).await().indefinitely()).contains(C1);
        assertThat(cleaner.startedDescendant(M).await().indefinitely()).isEmpty();
    }
}
