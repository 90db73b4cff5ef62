package io.quarkiverse.messaging.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.quarkiverse.messaging.kinesis.it.Receipts.Receipt;
import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynaliteTables;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@link MultiNodeLeasesIT}'s lease scenarios with the incoming channel in {@code consumer-mode=fan-out}: nodes of the
 * packaged orders application (separate JVMs) share one stream consumer and a dynalite lease table on kinesis-mock;
 * each node subscribes (SubscribeToShard) to the shards it holds. A node killed with SIGKILL while subscribed: the
 * survivor takes its leases after the failover time and subscribes to them; kinesis-mock ends a subscription whose
 * HTTP/2 connection is gone, so the survivor's subscriptions are accepted (a ResourceInUseException, if any, is retried
 * with back-off and counted here). Then a third node joins and takes its share by a graceful hand-off: the node that
 * gives a shard up cancels its subscription before the new owner subscribes. Nothing is lost; what is processed twice
 * is reported (and must come from the killed node's un-checkpointed window).
 */
@ExtendWith(KinesisMockExtension.class)
class MultiNodeFanOutIT {

    static final Duration FAILOVER = Duration.ofSeconds(6);
    static final Duration TAKE_INTERVAL = FAILOVER.dividedBy(2);

    static Dynalite dynalite;
    static DynamoDbAsyncClient dynamoDb;

    @BeforeAll
    static void startDynalite(KinesisMock kinesis) {
        kinesis.createStream("shipments", 1); // the demo's other stream, so that its channels start cleanly
        dynalite = new Dynalite();
        dynalite.start();
        dynamoDb = DynaliteTables.client(dynalite);
    }

    @AfterAll
    static void stopDynalite() {
        if (dynamoDb != null) {
            dynamoDb.close();
        }
        if (dynalite != null) {
            dynalite.stop();
        }
    }

    private final Map<String, Path> receiptLogs = new LinkedHashMap<>();
    private final Map<String, PackagedApp> nodes = new LinkedHashMap<>();

    private PackagedApp node(KinesisMock kinesis, String stream, String table, String worker) throws IOException {
        Path log = PackagedApp.moduleDir().resolve("target").resolve(table + "-" + worker + "-received.log");
        Files.deleteIfExists(log);
        receiptLogs.put(worker, log);
        Map<String, String> properties = new LinkedHashMap<>(
                leases(table).nodeProperties(kinesis, dynalite, stream, worker, FAILOVER, true, log));
        // application-name (the table's name) is also the stream consumer's name: one consumer for every node
        properties.put("mp.messaging.incoming.orders.consumer-mode", "fan-out");
        properties.put("mp.messaging.incoming.orders.retry-backoff", "200ms");
        properties.put("mp.messaging.incoming.orders.max-retry-backoff", "2s");
        PackagedApp app = PackagedApp.start(table + "-" + worker, properties);
        nodes.put(worker, app);
        return app;
    }

    private static LeaseTable leases(String table) {
        return new LeaseTable(dynamoDb, table);
    }

    private List<Receipt> receipts(String node) {
        return Receipts.read(node, receiptLogs.get(node)).receipts();
    }

    private List<Receipt> allReceipts() {
        List<Receipt> all = new ArrayList<>();
        receiptLogs.keySet().forEach(node -> all.addAll(receipts(node)));
        return all;
    }

    /** Lines of a node's log that mention {@code text}: what the emulator answered the node's subscriptions. */
    private long logLinesWith(String node, String text) {
        try {
            return Files.readAllLines(nodes.get(node).logFile(), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains(text)).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Waits for {@code condition}; if it does not come, fails with what each node saw (lease owners, shards received,
     * refused subscriptions, its last warning) on one line, so that a failure in CI can be explained from its summary.
     */
    private void untilOrExplain(String table, String what, Duration atMost, Callable<Boolean> condition) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(condition);
        } catch (ConditionTimeoutException e) {
            StringBuilder state = new StringBuilder(what).append(": not within ").append(atMost.toMillis())
                    .append(" ms; lease owners ").append(leases(table).owners());
            for (String node : nodes.keySet()) {
                Set<String> shards = receipts(node).stream().map(Receipt::shardId)
                        .collect(Collectors.toCollection(TreeSet::new));
                state.append("; ").append(node).append(" received from ").append(shards)
                        .append(", ResourceInUseException lines ").append(logLinesWith(node, "ResourceInUseException"))
                        .append(", last warning: ").append(lastWarning(node));
            }
            throw new AssertionError(state.toString(), e);
        }
    }

    private String lastWarning(String node) {
        try {
            return Files.readAllLines(nodes.get(node).logFile(), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).reduce((a, b) -> b)
                    .map(line -> line.length() > 240 ? line.substring(0, 240) : line).orElse("none");
        } catch (IOException e) {
            return "log unreadable: " + e;
        }
    }

    private static String newName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void fanOutNodesShareTheShardsTheSurvivorOfAKill9SubscribesToItsShardsAndAJoiningNodeTakesItsShare(
            KinesisMock kinesis) throws Exception {
        String stream = newName("fan-multi");
        String table = newName("fan-leases");
        kinesis.createStream(stream, 4);

        try (PackagedApp a = node(kinesis, stream, table, "node-a");
                PackagedApp b = node(kinesis, stream, table, "node-b")) {
            untilOrExplain(table, "leases spread 2/2, hand-offs done", Duration.ofSeconds(60),
                    () -> leases(table).countsByOwner().equals(Map.of("node-a", 2L, "node-b", 2L))
                            && leases(table).noHandOffUnderWay());
            try (StreamFeeder feeder = new StreamFeeder(kinesis.client(), stream, 32, 10, 100)) {
                // both nodes subscribed to their shards and receiving (kinesis-mock pushes an event every second; a
                // shard handed over is refused to its new owner for a few seconds: ResourceInUseException, retried)
                untilOrExplain(table, "both nodes receiving from 2 shards each", Duration.ofSeconds(60),
                        () -> receipts("node-a").stream().map(Receipt::shardId).distinct().count() == 2
                                && receipts("node-b").stream().map(Receipt::shardId).distinct().count() == 2);
                PackagedApp.sleep(2000);

                // kill -9 of node-b while subscribed
                Set<String> ofB = leases(table).heldBy("node-b");
                b.kill();
                long killed = System.nanoTime();
                long killedMicros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
                Map<String, String> checkpointsAtKill = leases(table).checkpoints();
                untilOrExplain(table, "node-b's leases taken by node-a", FAILOVER.multipliedBy(5),
                        () -> leases(table).heldBy("node-a").containsAll(ofB));
                long leasesTaken = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                // the survivor's subscriptions to node-b's shards deliver: the dead node's did not block them
                untilOrExplain(table, "node-a receiving node-b's shards", Duration.ofSeconds(60),
                        () -> receipts("node-a").stream().filter(r -> ofB.contains(r.shardId()))
                                .map(Receipt::shardId).distinct().count() == ofB.size());
                long recordsFlow = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                long firstOfBOnA = receipts("node-a").stream().filter(r -> ofB.contains(r.shardId()))
                        .mapToLong(Receipt::processedMicros).min().orElseThrow();
                System.out.printf("MultiNodeFanOutIT: kill -9 of node-b while subscribed to %s: leases held by "
                        + "node-a %d ms later, node-a's subscriptions delivered records of both %d ms later (first "
                        + "%d ms after the kill); ResourceInUseException lines in node-a's log: %d "
                        + "(failover time %d ms, take interval %d ms)%n", ofB, leasesTaken, recordsFlow,
                        (firstOfBOnA - killedMicros) / 1000, logLinesWith("node-a", "ResourceInUseException"),
                        FAILOVER.toMillis(), TAKE_INTERVAL.toMillis());
                assertThat(leasesTaken).as("failover after kill -9, ms")
                        .isLessThan(FAILOVER.plus(TAKE_INTERVAL).plusSeconds(5).toMillis());

                List<String> written;
                // node-c joins: node-a hands two shards over (its subscriptions cancelled, node-c subscribes)
                try (PackagedApp c = node(kinesis, stream, table, "node-c")) {
                    long joined = System.nanoTime();
                    untilOrExplain(table, "leases spread 2/2 with node-c, hand-offs done", Duration.ofSeconds(90),
                            () -> leases(table).countsByOwner().equals(Map.of("node-a", 2L, "node-c", 2L))
                                    && leases(table).noHandOffUnderWay());
                    Set<String> ofC = leases(table).heldBy("node-c");
                    untilOrExplain(table, "node-c receiving its shards", Duration.ofSeconds(60),
                            () -> receipts("node-c").stream().map(Receipt::shardId).collect(Collectors.toSet())
                                    .containsAll(ofC));
                    System.out.printf("MultiNodeFanOutIT: node-c joined: 4 shards spread 2/2 and node-c's "
                            + "subscriptions delivered %d ms later; ResourceInUseException lines in node-c's log: %d%n",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joined),
                            logLinesWith("node-c", "ResourceInUseException"));
                    PackagedApp.sleep(2000);
                    written = feeder.stop();
                    untilOrExplain(table, "every written record received", Duration.ofSeconds(60),
                            () -> allReceipts().stream().map(Receipt::payload).collect(Collectors.toSet())
                                    .containsAll(written));
                    PackagedApp.sleep(2000);
                    assertThat(c.terminate(Duration.ofSeconds(60))).as("node-c exit code").isNotNull();
                }
                assertThat(a.terminate(Duration.ofSeconds(60))).as("node-a exit code").isNotNull();

                List<Receipt> receipts = allReceipts();
                assertThat(receipts.stream().map(Receipt::payload).collect(Collectors.toSet())).as("nothing lost")
                        .containsAll(written);
                int afterKill = 0;
                List<List<Receipt>> otherwise = new ArrayList<>();
                for (List<Receipt> same : receipts.stream().collect(Collectors.groupingBy(Receipt::payload)).values()) {
                    if (same.size() < 2) {
                        continue;
                    }
                    Receipt first = same.stream().min(Comparator.comparingLong(Receipt::processedMicros)).orElseThrow();
                    String checkpoint = checkpointsAtKill.get(first.shardId());
                    if (first.node().equals("node-b") && (checkpoint == null || !checkpoint.matches("\\d+")
                            || first.sequenceNumber().compareTo(new BigInteger(checkpoint)) > 0)) {
                        afterKill++; // node-b's un-checkpointed window
                    } else {
                        otherwise.add(same);
                    }
                }
                System.out.printf("MultiNodeFanOutIT: %d records written, %d processings; processed twice: %d "
                        + "after the kill -9 of node-b (its un-checkpointed window, checkpoint interval 1 s), %d "
                        + "otherwise (the hand-off to node-c)%n", written.size(), receipts.size(), afterKill,
                        otherwise.size());
                assertThat(otherwise).as("records processed twice other than in the killed node's window").isEmpty();
            }
        }
    }
}
