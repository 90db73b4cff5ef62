package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.vertx.core.Vertx;

/**
 * Two workers sharing a lease table in dynalite, as two nodes would: balance, hand-over on release, steal without
 * graceful hand-off, safe give-up when the table cannot be reached, refused writes after a lease is lost
 * ({@link LeaseWorker}). Graceful hand-offs: {@link LeaseHandOffTest}.
 */
class LeaseCoordinatorTest {

    static final List<String> SHARDS = LeaseWorker.SHARDS;
    static Dynalite dynalite;
    static Vertx vertx;

    @BeforeAll
    static void start() {
        dynalite = new Dynalite();
        dynalite.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        dynalite.stop();
    }

    private LeaseWorker a;
    private LeaseWorker b;

    @AfterEach
    void closeWorkers() {
        for (LeaseWorker worker : new LeaseWorker[] { a, b }) {
            if (worker != null) {
                worker.outage.set(false);
                worker.close();
            }
        }
    }

    @Test
    void twoWorkersShareTheShardsAndAReleasedLeaseIsTakenAtOnce() {
        String table = DynaliteTables.newTableName();
        a = new LeaseWorker(dynalite, vertx, "a", table, "3s");
        b = new LeaseWorker(dynalite, vertx, "b", table, "3s");
        a.claimAll();
        b.claimAll();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(a.reading.size() + b.reading.size()).isEqualTo(6);
            assertThat(a.reading).hasSize(3);
            assertThat(b.reading).hasSize(3);
        });
        assertThat(a.reading.keySet()).doesNotContainAnyElementsOf(b.reading.keySet());

        // a stops: last checkpoints, releases; b takes them without waiting for the leases to expire
        Set<String> released = Set.copyOf(a.reading.keySet());
        long stopped = System.nanoTime();
        for (String shard : released) {
            a.coordinator.release(shard, ShardPosition.of("4959033827149025660855969253836157109592157598913658889" + 1, 2))
                    .await().indefinitely();
        }
        a.close();
        a = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> b.reading.keySet().containsAll(released));
        long handOverMs = released.stream().mapToLong(shard -> b.reading.get(shard) - stopped).max().orElseThrow()
                / 1_000_000;
        System.out.printf("LeaseCoordinatorTest: %d released leases taken by the other worker %d ms after the release "
                + "(failover time 3000 ms)%n", released.size(), handOverMs);
        assertThat(handOverMs).as("hand-over after a release does not wait for the failover time").isLessThan(3000);
        released.forEach(shard -> assertThat(b.claims.get(shard).checkpoint())
                .contains(ShardPosition.of("49590338271490256608559692538361571095921575989136588891", 2)));
    }

    @Test
    void withoutHandOffAStolenLeaseIsReadOnlyAfterItsFormerHolderStopped() {
        String table = DynaliteTables.newTableName();
        a = new LeaseWorker(dynalite, vertx, "a", table, "3s");
        a.claimAll();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.reading.size() == 6);

        // b joins (lease-graceful-handoff=false): it steals three leases from a, one per scan, for balance
        b = new LeaseWorker(dynalite, vertx,
                DynaliteTables.settings(table, "b", "3s").withHandOff(false, Duration.ofSeconds(30)));
        b.claimAll();
        await().atMost(Duration.ofSeconds(40)).until(() -> a.reading.size() == 3 && b.reading.size() == 3);
        for (String shard : b.reading.keySet()) {
            assertThat(a.lostAt.get(shard)).as("%s: a stopped reading before b started", shard)
                    .isLessThan(b.reading.get(shard));
        }
        assertThat(a.events).noneMatch(event -> event.startsWith("hand-off"));
        System.out.printf("LeaseCoordinatorTest: 3 leases stolen for balance; b started each %s ms after a stopped%n",
                b.reading.keySet().stream().map(shard -> (b.reading.get(shard) - a.lostAt.get(shard)) / 1_000_000)
                        .toList());
    }

    @Test
    void aWorkerThatCannotReachTheTableStopsReadingBeforeAnotherTakesOver() {
        String table = DynaliteTables.newTableName();
        a = new LeaseWorker(dynalite, vertx, "a", table, "3s");
        b = new LeaseWorker(dynalite, vertx, "b", table, "3s");
        a.claimAll();
        b.claimAll();
        await().atMost(Duration.ofSeconds(30)).until(() -> a.reading.size() == 3 && b.reading.size() == 3);
        Set<String> ofA = Set.copyOf(a.reading.keySet());

        List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.smallrye.reactive.messaging.kinesis");
        logger.addHandler(capture);
        a.outage.set(true);
        long outage = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> b.reading.size() == 6);
        assertThat(a.reading).as("a gave every lease up").isEmpty();
        assertThat(a.coordinator.problems()).singleElement().asString().contains(table).contains("injected outage");
        for (String shard : ofA) {
            assertThat(a.lostAt.get(shard)).as("%s: a stops reading before b starts", shard)
                    .isLessThan(b.reading.get(shard));
        }
        System.out.printf("LeaseCoordinatorTest: a cannot reach the table; it stopped reading after %d ms, b started "
                + "after %d ms (failover time 3000 ms)%n",
                (ofA.stream().mapToLong(a.lostAt::get).max().orElseThrow() - outage) / 1_000_000,
                (ofA.stream().mapToLong(b.reading::get).min().orElseThrow() - outage) / 1_000_000);
        logger.removeHandler(capture);
        // every renewal of the outage failed: one line for the table, no stack trace
        assertThat(warnings.stream().map(record -> record instanceof org.jboss.logmanager.ExtLogRecord ext
                ? ext.getFormattedMessage()
                : record.getMessage())
                .filter(line -> line.contains("SRKIN1405")).toList()).singleElement().asString()
                .contains("injected outage");
        assertThat(warnings).allMatch(record -> record.getThrown() == null);

        // the table is back: a reports it, and gets its share again by balancing
        a.outage.set(false);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(a.coordinator.problems()).isEmpty();
            assertThat(a.reading).hasSize(3);
            assertThat(b.reading).hasSize(3);
        });
    }

    @Test
    void aLostLeaseIsNotWrittenAnyMore() {
        String table = DynaliteTables.newTableName();
        a = new LeaseWorker(dynalite, vertx, "a", table, "3s");
        a.claimAll();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.reading.size() == 6);
        String shard = SHARDS.get(0);

        // another worker takes the lease behind a's back
        LeaseTable other = new LeaseTable(a.client, DynaliteTables.settings(table, "intruder", "3s"));
        Lease seen = other.get(shard).await().indefinitely().orElseThrow();
        long taken = System.nanoTime();
        assertThat(other.take(seen, "intruder").await().indefinitely()).isTrue();

        // a notices at its next renewal (every second with a failover time of 3 s), or at its next scan
        await().atMost(Duration.ofSeconds(5)).until(() -> !a.reading.containsKey(shard));
        long noticedMs = (a.lostAt.get(shard) - taken) / 1_000_000;
        System.out.printf("LeaseCoordinatorTest: a stopped reading a stolen lease %d ms after the steal%n", noticedMs);
        assertThat(noticedMs).as("noticed at a renewal (every 1 s), long before the lease could expire (3 s)")
                .isLessThan(3000);
        assertThat(other.get(shard).await().indefinitely().orElseThrow().owner()).isEqualTo("intruder");
        assertThatThrownBy(() -> a.coordinator.save(shard, ShardPosition.of("2")).await().indefinitely())
                .hasMessageContaining("does not hold the lease of shard " + shard);
    }
}
