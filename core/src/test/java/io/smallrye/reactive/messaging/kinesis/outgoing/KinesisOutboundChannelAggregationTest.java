package io.smallrye.reactive.messaging.kinesis.outgoing;

import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.STREAM;
import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.TIMEOUT;
import static io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.THROUGHPUT_EXCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.smallrye.reactive.messaging.kinesis.KinesisSendResult;
import io.smallrye.reactive.messaging.kinesis.KinesisWriteException;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.aggregation.HashKeys;
import io.smallrye.reactive.messaging.kinesis.aggregation.ShardMap;
import io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.Tracked;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.Call;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.SentEntry;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.UserRecord;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.Write;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Producer-side KPL aggregation (aggregation=true) against a fake that lists shards and places each entry on the
 * shard owning its hash key. The fake unpacks aggregated entries itself, so what is checked is what Kinesis (and a
 * consumer) would see: entries, user records, sequence and sub-sequence numbers.
 * <p>
 * Message data is its id, "{key}/{emission index}/" padded with dots; the partition key is the part before the
 * first slash.
 */
class KinesisOutboundChannelAggregationTest {

    /** The KPL magic bytes, written out here rather than taken from the code under test. */
    private static final byte[] MAGIC = { (byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2 };
    private static final List<Shard> FOUR_SHARDS = FakeKinesisClient.evenShards(4, 0);

    private ChannelHarness harness;

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static FakeKinesisClient fakeWithShards(List<Shard> shards) {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.shards(shards);
        return fake;
    }

    private static ChannelHarness aggregating(FakeKinesisClient fake, String... attributes) {
        List<String> all = new ArrayList<>(List.of("aggregation=true"));
        all.addAll(List.of(attributes));
        return ChannelHarness.create(fake, all.toArray(String[]::new));
    }

    /** {@code count} messages over {@code keys} keys, round-robin, of {@code bytes} bytes of data each. */
    private List<Tracked> messages(String prefix, int count, int keys, int bytes) {
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(message(prefix + "k" + (i % keys), prefix + i, bytes));
        }
        return messages;
    }

    private Tracked message(String key, String index, int bytes) {
        StringBuilder data = new StringBuilder(key).append('/').append(index).append('/');
        while (data.length() < bytes) {
            data.append('.');
        }
        return harness.messageWithResult(data.toString(), OutgoingKinesisMetadata.builder().partitionKey(key).build());
    }

    private static String keyOf(String data) {
        return data.substring(0, data.indexOf('/'));
    }

    private static boolean hasMagic(PutRecordsRequestEntry entry) {
        byte[] data = entry.data().asByteArrayUnsafe();
        return data.length >= MAGIC.length && Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    private static List<SentEntry> entries(List<Call> calls) {
        return calls.stream().flatMap(call -> call.entries.stream()).toList();
    }

    /** Every user record of every entry maps to the shard the entry itself (its outer hash key) maps to. */
    private static void assertEveryEntryOnOneShard(List<Call> calls, ShardMap map) {
        for (SentEntry entry : entries(calls)) {
            String shard = map.shardFor(entry.entry().partitionKey(), entry.entry().explicitHashKey());
            assertThat(shard).isNotNull();
            for (UserRecord record : entry.records()) {
                assertThat(map.shardFor(record.hashKey())).as("shard of %s", record.data()).isEqualTo(shard);
            }
        }
    }

    /** Every written user record was written to the shard owning its hash key (per the map). */
    private static void assertWrittenOnTheirShards(List<Write> writes, ShardMap map) {
        for (Write write : writes) {
            assertThat(write.shardId()).as("shard of %s", write.data())
                    .isEqualTo(map.shardFor(HashKeys.effective(write.partitionKey(), write.explicitHashKey())));
        }
    }

    /**
     * Each message is acked once, with the place the fake wrote its user record: the entry's shard and sequence
     * number, and its index in the entry (0 for a plain record).
     */
    private static void assertAckedWhereWritten(List<Tracked> messages, FakeKinesisClient fake) {
        Map<String, Write> writes = new HashMap<>();
        for (Write write : fake.writes()) {
            assertThat(writes.put(write.data(), write)).as("%s written twice", write.data()).isNull();
        }
        for (Tracked message : messages) {
            message.assertAckedOnce();
            Write write = writes.get(message.id);
            assertThat(write).as("write of %s", message.id).isNotNull();
            assertThat(message.result.getResult()).as("send result of %s", message.id)
                    .isEqualTo(new KinesisSendResult(write.stream(), write.shardId(), write.sequenceNumber(),
                            write.subSequenceNumber()));
        }
    }

    /** Per key, the written user records in shard order (sequence, then sub-sequence number). */
    private static Map<String, List<String>> writtenPerKeyInShardOrder(List<Write> writes) {
        Map<String, List<String>> perKey = new LinkedHashMap<>();
        writes.stream().sorted(Write.SHARD_ORDER)
                .forEach(write -> perKey.computeIfAbsent(write.partitionKey(), k -> new ArrayList<>()).add(write.data()));
        return perKey;
    }

    private static Map<String, List<String>> emittedPerKey(List<Tracked> messages) {
        Map<String, List<String>> perKey = new LinkedHashMap<>();
        messages.forEach(message -> perKey.computeIfAbsent(keyOf(message.id), k -> new ArrayList<>()).add(message.id));
        return perKey;
    }

    /** A key appears in at most one entry of each request (possibly several times in it). */
    private static void assertNoKeyInTwoEntriesOfARequest(List<Call> calls) {
        for (Call call : calls) {
            Map<String, Integer> entryOfKey = new HashMap<>();
            for (int i = 0; i < call.entries.size(); i++) {
                for (String key : call.entries.get(i).keys()) {
                    Integer other = entryOfKey.putIfAbsent(key, i);
                    assertThat(other == null || other == i).as("key %s in entries %s and %s of %s", key, other, i, call)
                            .isTrue();
                }
            }
        }
    }

    private static void assertNoKeySentWhileInFlight(List<Call> calls) {
        for (Call call : calls) {
            for (String key : call.userKeys()) {
                assertThat(call.keysInFlightAtSend).as("keys in flight when %s was sent", call)
                        .doesNotContain(STREAM + "/" + key);
            }
        }
    }

    private static int indexOf(String data) {
        String rest = data.substring(data.indexOf('/') + 1);
        String index = rest.substring(0, rest.indexOf('/')).replaceAll("^[a-z]+", "");
        return Integer.parseInt(index);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void smallMessagesArePackedPerShardAndAckedWithTheirSubSequenceNumbers() {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        fake.listShardsPageSize(3); // the map comes in two pages
        harness = aggregating(fake, "aggregation-max-bytes=8000", "buffer-time=1h");
        ShardMap map = ShardMap.fromShards(FOUR_SHARDS);

        List<Tracked> messages = messages("", 2_000, 200, 40);
        harness.send(messages);
        // the shard map is asked for as records arrive, not when the first request is due
        await().atMost(TIMEOUT).until(() -> fake.listShardsCalls() == 2);
        assertThat(fake.callCount()).isZero();
        harness.channel.close(); // flush

        assertAckedWhereWritten(messages, fake);
        List<Call> calls = fake.calls();
        List<SentEntry> entries = entries(calls);
        assertThat(entries).allSatisfy(entry -> {
            assertThat(hasMagic(entry.entry())).as("magic bytes").isTrue();
            assertThat(entry.aggregated()).isTrue();
            assertThat(entry.bytes()).as("size of an aggregated record").isLessThanOrEqualTo(8_000);
        });
        assertThat(entries.size()).isLessThanOrEqualTo(messages.size() / 50);
        assertThat(entries.stream().mapToLong(SentEntry::bytes).max().orElseThrow()).isGreaterThan(7_000);
        assertEveryEntryOnOneShard(calls, map);
        assertWrittenOnTheirShards(fake.writes(), map);
        assertThat(fake.writes()).extracting(Write::shardId).containsAll(map.shardIds());
        // the sub-sequence numbers of an entry are 0..n-1 in the order the messages were emitted
        Map<String, List<Write>> byEntry = new LinkedHashMap<>();
        fake.writes().forEach(write -> byEntry.computeIfAbsent(write.sequenceNumber(), k -> new ArrayList<>()).add(write));
        byEntry.values().forEach(written -> {
            for (int i = 0; i < written.size(); i++) {
                assertThat(written.get(i).subSequenceNumber()).isEqualTo(i);
                if (i > 0) {
                    assertThat(indexOf(written.get(i).data())).isGreaterThan(indexOf(written.get(i - 1).data()));
                }
            }
        });
        assertThat(writtenPerKeyInShardOrder(fake.writes())).isEqualTo(emittedPerKey(messages));
        assertThat(fake.listings()).isEqualTo(1);
        System.out.printf("Aggregation: %d messages in %d entries of %d requests%n", messages.size(), entries.size(),
                calls.size());
    }

    /**
     * Explicit hash keys place records as Kinesis would, at shard boundaries too; a partition key whose records go
     * to several shards (by their explicit hash keys) is still in one entry per request under strict ordering, and
     * its records are written in emission order.
     */
    @Test
    void explicitHashKeysDecideTheShard() {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        harness = aggregating(fake, "buffer-time=1h");
        ShardMap map = ShardMap.fromShards(FOUR_SHARDS);
        java.math.BigInteger quarter = java.math.BigInteger.ONE.shiftLeft(126);
        List<String> hashKeys = new ArrayList<>(List.of("0", HashKeys.MAX.toString(),
                quarter.subtract(java.math.BigInteger.ONE).toString(), quarter.toString(),
                quarter.multiply(java.math.BigInteger.TWO).toString(), "000123"));
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 10; i++) {
            hashKeys.add(new java.math.BigInteger(128, random).toString());
        }

        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String key = "k" + (i % 20);
            StringBuilder data = new StringBuilder(key).append('/').append(i).append('/');
            OutgoingKinesisMetadata.Builder metadata = OutgoingKinesisMetadata.builder().partitionKey(key);
            if (i % 2 == 0) {
                String hashKey = hashKeys.get((i / 2) % hashKeys.size());
                metadata.explicitHashKey(hashKey);
                data.append(hashKey);
            }
            messages.add(harness.messageWithResult(data.toString(), metadata.build()));
        }
        harness.send(messages);
        await().atMost(TIMEOUT).until(() -> fake.listings() == 1);
        harness.channel.close();

        assertAckedWhereWritten(messages, fake);
        List<Call> calls = fake.calls();
        assertEveryEntryOnOneShard(calls, map);
        assertWrittenOnTheirShards(fake.writes(), map);
        assertThat(fake.writes()).extracting(Write::shardId).containsAll(map.shardIds());
        assertThat(entries(calls)).anySatisfy(entry -> assertThat(entry.records())
                .anyMatch(record -> record.explicitHashKey() != null).anyMatch(record -> record.explicitHashKey() == null));
        assertNoKeyInTwoEntriesOfARequest(calls);
        // per key, written in emission order (the fake's sequence numbers grow across shards)
        assertThat(writtenPerKeyInShardOrder(fake.writes())).isEqualTo(emittedPerKey(messages));
    }

    /**
     * Each entry carries the records of one partition key only, in emission order, routed by that key: plain when it
     * is alone, aggregated otherwise.
     */
    private static void assertEachEntryHoldsOneKey(List<SentEntry> entries) {
        assertThat(entries).allSatisfy(entry -> {
            assertThat(entry.keys()).as("keys of %s", entry.data()).containsOnly(entry.entry().partitionKey());
            assertThat(hasMagic(entry.entry())).as("aggregated: %s", entry.data()).isEqualTo(entry.records().size() > 1);
            assertThat(entry.data().stream().map(data -> indexOf(data)).toList()).isSorted();
        });
    }

    @Test
    void untilTheShardMapIsLoadedOnlyRecordsOfOneKeyShareAContainerThenRecordsOfOneShard() {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        fake.holdListShards();
        harness = aggregating(fake, "buffer-time=20ms");
        ShardMap map = ShardMap.fromShards(FOUR_SHARDS);

        List<Tracked> before = messages("a", 200, 20, 30);
        harness.send(before);
        harness.awaitCompleted(before.size());
        List<Call> keyCalls = fake.calls();
        assertEachEntryHoldsOneKey(entries(keyCalls));
        assertThat(entries(keyCalls)).hasSizeLessThanOrEqualTo(before.size() / 2).anyMatch(SentEntry::aggregated);
        assertThat(fake.listings()).isEqualTo(1); // asked once, still loading

        fake.releaseListShards(); // the channel has the map when this returns
        List<Tracked> after = messages("b", 200, 20, 30);
        harness.send(after);
        harness.awaitCompleted(before.size() + after.size());

        List<Call> laterCalls = fake.calls().subList(keyCalls.size(), fake.callCount());
        List<SentEntry> laterEntries = entries(laterCalls);
        assertThat(laterEntries).allSatisfy(entry -> assertThat(hasMagic(entry.entry())).isEqualTo(entry.records().size() > 1));
        assertThat(laterEntries.size()).isLessThanOrEqualTo(after.size() / 10);
        assertThat(laterEntries.stream().filter(SentEntry::aggregated).mapToInt(entry -> entry.records().size()).sum())
                .isGreaterThanOrEqualTo(after.size() * 9 / 10);
        assertEveryEntryOnOneShard(laterCalls, map);
        List<Tracked> all = new ArrayList<>(before);
        all.addAll(after);
        assertAckedWhereWritten(all, fake);
        assertThat(writtenPerKeyInShardOrder(fake.writes())).isEqualTo(emittedPerKey(all));
        assertThat(fake.listings()).isEqualTo(1);
    }

    /**
     * Without ListShards (access denied), only records of one key share a container; the listing is tried again a
     * second later.
     */
    @Test
    void whileTheShardsCannotBeListedOnlyRecordsOfOneKeyShareAContainer() throws InterruptedException {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        fake.failListings(1);
        harness = aggregating(fake, "buffer-time=20ms");

        List<Tracked> before = messages("a", 100, 10, 30);
        harness.send(before);
        harness.awaitCompleted(before.size());
        assertEachEntryHoldsOneKey(entries(fake.calls()));
        assertThat(entries(fake.calls())).hasSizeLessThanOrEqualTo(before.size() / 2).anyMatch(SentEntry::aggregated);
        assertThat(fake.listings()).isEqualTo(1);

        Thread.sleep(1_100); // the channel waits a second before listing again
        int callsBefore = fake.callCount();
        List<Tracked> after = messages("b", 100, 10, 30);
        harness.send(after);
        harness.awaitCompleted(before.size() + after.size());

        assertThat(fake.listings()).isEqualTo(2);
        List<SentEntry> laterEntries = entries(fake.calls().subList(callsBefore, fake.callCount()));
        assertThat(laterEntries).anyMatch(SentEntry::aggregated).hasSizeLessThan(after.size() / 5);
        List<Tracked> all = new ArrayList<>(before);
        all.addAll(after);
        assertAckedWhereWritten(all, fake);
    }

    /** Messages sent to another stream (by name or ARN) are aggregated by that stream's own shard map. */
    @Test
    void eachStreamHasItsOwnShardMap() {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        harness = aggregating(fake, "buffer-time=1h");
        String other = "arn:aws:kinesis:us-east-1:000000000000:stream/other";

        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String key = "k" + (i % 30);
            OutgoingKinesisMetadata.Builder metadata = OutgoingKinesisMetadata.builder().partitionKey(key);
            if (i % 3 == 0) {
                metadata.stream(other);
            }
            messages.add(harness.messageWithResult(key + "/" + i + "/" + (i % 3 == 0 ? "other" : ""), metadata.build()));
        }
        harness.send(messages);
        await().atMost(TIMEOUT).until(() -> fake.listings() == 2);
        harness.channel.close();

        assertAckedWhereWritten(messages, fake);
        assertThat(fake.writes()).allSatisfy(write -> assertThat(write.stream())
                .isEqualTo(write.data().endsWith("other") ? other : STREAM));
        assertThat(entries(fake.calls())).allMatch(SentEntry::aggregated);
        assertThat(fake.calls()).extracting(Call::stream).contains(STREAM, other);
        assertEveryEntryOnOneShard(fake.calls(), ShardMap.fromShards(FOUR_SHARDS));
        assertThat(fake.listedStreams()).containsExactlyInAnyOrder("name:" + STREAM, "arn:" + other);
    }

    /**
     * strict: containers are refused now and then (each container holding a record whose index is 7 modulo 50, on its
     * first attempt); their messages are retried. No key is ever in two entries of a request or in two requests at
     * once, and per key, the user records are stored (sequence, sub-sequence) in emission order.
     */
    @Test
    void strictKeepsEmissionOrderPerKeyAcrossRefusedAndRetriedContainers() {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        fake.containers(entry -> entry.records().stream()
                .anyMatch(record -> record.attempt() == 1 && indexOf(record.data()) % 50 == 7) ? THROUGHPUT_EXCEEDED
                        : null);
        fake.holdAnswers();
        // requests of 4 containers hold part of the keys: the next requests, with other keys, leave meanwhile
        harness = aggregating(fake, "ordering=strict", "aggregation-max-bytes=2000", "max-batch-records=4",
                "buffer-time=10ms", "max-in-flight=5", "retry-backoff=20ms", "max-retry-backoff=40ms");
        ShardMap map = ShardMap.fromShards(FOUR_SHARDS);

        List<Tracked> messages = messages("", 1_000, 200, 30);
        harness.send(messages);
        await().atMost(TIMEOUT).until(() -> fake.callCount() >= 2);
        fake.releaseAnswers();
        harness.awaitAllDone();

        assertAckedWhereWritten(messages, fake);
        List<Call> calls = fake.calls();
        assertNoKeyInTwoEntriesOfARequest(calls);
        assertNoKeySentWhileInFlight(calls);
        assertEveryEntryOnOneShard(calls, map);
        assertWrittenOnTheirShards(fake.writes(), map);
        long retried = messages.stream().filter(message -> fake.timesSent(message.id) > 1).count();
        long refusedContainers = entries(calls).stream().filter(entry -> entry.aggregated()
                && entry.records().stream().anyMatch(record -> record.attempt() == 1 && indexOf(record.data()) % 50 == 7))
                .count();
        assertThat(refusedContainers).isGreaterThanOrEqualTo(5);
        assertThat(retried).isGreaterThan(refusedContainers);
        assertThat(entries(calls)).filteredOn(SentEntry::aggregated).isNotEmpty()
                .allSatisfy(entry -> assertThat(entry.bytes()).isLessThanOrEqualTo(2_000));
        assertThat(writtenPerKeyInShardOrder(fake.writes())).isEqualTo(emittedPerKey(messages));
        assertThat(calls.get(1).keysInFlightAtSend).isNotEmpty();
        System.out.printf("Strict with refusals: %d containers refused, %d messages retried, %d requests%n",
                refusedContainers, retried, calls.size());
    }

    /**
     * One key, 30 records of 100 bytes, containers of at most 1000 bytes, all buffered then flushed; the container
     * holding the key's first record is refused once.
     * <ul>
     * <li>strict: the key is in one entry per request; the later records wait until the refused container is
     * written, so the key's records are stored in emission order.</li>
     * <li>relaxed: the first request carries the key in several containers; those after the refused one are written
     * first, so the refused records are overtaken (still never two requests of the key in flight at once).</li>
     * </ul>
     */
    @ParameterizedTest(name = "ordering={0}")
    @CsvSource({ "strict", "relaxed" })
    void aKeySpreadOverSeveralContainers(String ordering) {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        fake.containers(entry -> entry.data().stream().anyMatch(data -> indexOf(data) == 0)
                && entry.records().get(0).attempt() == 1 ? THROUGHPUT_EXCEEDED : null);
        harness = aggregating(fake, "ordering=" + ordering, "aggregation-max-bytes=1000", "buffer-time=1h",
                "retry-backoff=20ms", "max-retry-backoff=40ms");

        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            messages.add(message("A", String.valueOf(i), 100));
        }
        harness.send(messages);
        harness.channel.close();

        assertAckedWhereWritten(messages, fake);
        List<Call> calls = fake.calls();
        assertNoKeySentWhileInFlight(calls);
        assertThat(entries(calls)).allSatisfy(entry -> assertThat(entry.bytes()).isLessThanOrEqualTo(1_000));
        assertThat(messages.stream().filter(message -> fake.timesSent(message.id) == 2).count()).isGreaterThan(1);
        List<String> emitted = messages.stream().map(message -> message.id).toList();
        List<String> stored = writtenPerKeyInShardOrder(fake.writes()).get("A");
        if (ordering.equals("strict")) {
            assertNoKeyInTwoEntriesOfARequest(calls);
            assertThat(stored).containsExactlyElementsOf(emitted);
        } else {
            assertThat(calls.get(0).entries.size()).isGreaterThan(1);
            assertThat(stored).containsExactlyInAnyOrderElementsOf(emitted).isNotEqualTo(emitted);
            // the refused container's records come last, in their own order
            int refused = (int) messages.stream().filter(message -> fake.timesSent(message.id) == 2).count();
            assertThat(stored.subList(stored.size() - refused, stored.size()))
                    .containsExactlyElementsOf(emitted.subList(0, refused));
        }
    }

    /**
     * none: with requests of about 8 records (max-batch-bytes) and Kinesis slow to answer, a key is in several
     * requests at once; strict and relaxed keep it in one request at a time.
     */
    @ParameterizedTest(name = "ordering={0}")
    @CsvSource({ "none", "relaxed", "strict" })
    void onlyNoneHasAKeyInSeveralRequestsAtOnce(String ordering) {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        fake.holdAnswers();
        harness = aggregating(fake, "ordering=" + ordering, "aggregation-max-bytes=1000", "max-batch-bytes=3000",
                "buffer-time=10ms");

        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            messages.add(message("A", String.valueOf(i), 100));
        }
        harness.send(messages);
        if (ordering.equals("none")) {
            await().atMost(TIMEOUT).until(() -> fake.callCount() >= 3);
        } else {
            await().during(java.time.Duration.ofMillis(300)).atMost(TIMEOUT).until(() -> fake.callCount() == 1);
        }
        fake.releaseAnswers();
        harness.awaitAllDone();

        assertAckedWhereWritten(messages, fake);
        List<Call> calls = fake.calls();
        assertThat(calls).allSatisfy(call -> assertThat(call.bytes()).isLessThanOrEqualTo(3_000));
        if (ordering.equals("none")) {
            assertThat(calls.get(1).keysInFlightAtSend).contains(STREAM + "/A");
        } else {
            assertNoKeySentWhileInFlight(calls);
            assertThat(writtenPerKeyInShardOrder(fake.writes()).get("A"))
                    .containsExactlyElementsOf(messages.stream().map(message -> message.id).toList());
        }
    }

    /**
     * strict, 300 messages over 50 keys buffered, then flushed: each key's waiting records share one container, so the
     * whole backlog leaves in one request: one container per shard with the shard map, one per key without it
     * (ListShards refused). Per key, the records are stored in emission order.
     */
    @ParameterizedTest(name = "shard map={0}")
    @CsvSource({ "true", "false" })
    void strictSendsTheWaitingRecordsOfAKeyTogetherInOneAggregatedRecord(boolean shardMap) {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        if (!shardMap) {
            fake.failListings(Integer.MAX_VALUE);
        }
        harness = aggregating(fake, "ordering=strict", "buffer-time=1h");

        List<Tracked> messages = messages("", 300, 50, 100);
        harness.send(messages);
        assertThat(fake.callCount()).isZero();
        harness.channel.close(); // flush

        assertAckedWhereWritten(messages, fake);
        assertThat(fake.callCount()).isEqualTo(1);
        List<SentEntry> entries = entries(fake.calls());
        assertThat(entries).allMatch(SentEntry::aggregated);
        if (shardMap) {
            assertThat(entries).hasSize(4);
            assertEveryEntryOnOneShard(fake.calls(), ShardMap.fromShards(FOUR_SHARDS));
        } else {
            assertThat(entries).hasSize(50).allSatisfy(entry -> assertThat(entry.records()).hasSize(6));
            assertEachEntryHoldsOneKey(entries);
        }
        assertWrittenOnTheirShards(fake.writes(), ShardMap.fromShards(FOUR_SHARDS));
        assertThat(writtenPerKeyInShardOrder(fake.writes())).isEqualTo(emittedPerKey(messages));
    }

    /**
     * strict without a shard map: a key's backlog larger than aggregation-max-bytes leaves one container per round
     * trip; the key's first container is refused once and sent again as a whole before the next one of its key, so
     * the key's records are stored in emission order.
     */
    @Test
    void strictRetriesARefusedContainerOfAKeyAsAWholeBeforeTheKeysNextRecords() {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        fake.failListings(Integer.MAX_VALUE);
        fake.containers(entry -> entry.data().stream().anyMatch(data -> indexOf(data) == 0)
                && entry.records().get(0).attempt() == 1 ? THROUGHPUT_EXCEEDED : null);
        harness = aggregating(fake, "ordering=strict", "aggregation-max-bytes=1000", "buffer-time=1h",
                "retry-backoff=20ms", "max-retry-backoff=40ms");

        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            messages.add(message(i % 3 == 0 ? "A" : "B", String.valueOf(i), 100));
        }
        harness.send(messages);
        harness.channel.close();

        assertAckedWhereWritten(messages, fake);
        List<Call> calls = fake.calls();
        assertNoKeyInTwoEntriesOfARequest(calls);
        assertNoKeySentWhileInFlight(calls);
        assertEachEntryHoldsOneKey(entries(calls));
        assertThat(entries(calls)).allSatisfy(entry -> assertThat(entry.bytes()).isLessThanOrEqualTo(1_000));
        List<SentEntry> refused = entries(calls).stream()
                .filter(entry -> entry.data().stream().anyMatch(data -> indexOf(data) == 0)).toList();
        assertThat(refused).hasSize(2);
        assertThat(refused.get(0).records()).as("records of A refused together").hasSizeGreaterThan(1);
        assertThat(refused.get(1).data()).as("sent again as a whole").isEqualTo(refused.get(0).data());
        assertThat(writtenPerKeyInShardOrder(fake.writes())).isEqualTo(emittedPerKey(messages));
    }

    @Test
    void aContainerRefusedUntilRetriesRunOutNacksEachOfItsMessages() {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        // the container carrying key k5 is refused whenever it comes back; its user records are found on first sight
        Set<String> doomed = Collections.synchronizedSet(new HashSet<>());
        fake.containers(entry -> {
            if (doomed.isEmpty() && entry.keys().contains("k5")) {
                doomed.addAll(entry.data());
            }
            return entry.data().stream().anyMatch(doomed::contains) ? THROUGHPUT_EXCEEDED : null;
        });
        harness = aggregating(fake, "buffer-time=1h", "max-retries=2", "retry-backoff=10ms", "max-retry-backoff=20ms");

        List<Tracked> messages = messages("", 200, 20, 30);
        harness.send(messages);
        harness.channel.close();
        harness.awaitAllDone();

        assertThat(doomed).hasSizeGreaterThan(1);
        List<Tracked> nacked = messages.stream().filter(message -> doomed.contains(message.id)).toList();
        List<Tracked> acked = messages.stream().filter(message -> !doomed.contains(message.id)).toList();
        assertThat(acked).isNotEmpty();
        for (Tracked message : nacked) {
            Throwable reason = message.assertNackedOnce();
            assertThat(reason).isInstanceOf(KinesisWriteException.class);
            assertThat(((KinesisWriteException) reason).getErrorCode()).isEqualTo(THROUGHPUT_EXCEEDED);
            assertThat(((KinesisWriteException) reason).getAttempts()).isEqualTo(3);
            assertThat(message.result.getResult()).isNull();
            assertThat(fake.timesSent(message.id)).isEqualTo(3);
        }
        assertAckedWhereWritten(acked, fake);
        assertThat(fake.writes()).hasSize(acked.size());
        // every attempt carried the doomed records in one aggregated entry
        assertThat(entries(fake.calls())).filteredOn(entry -> entry.data().stream().anyMatch(doomed::contains))
                .hasSize(3)
                .allSatisfy(entry -> {
                    assertThat(entry.aggregated()).isTrue();
                    assertThat(entry.data()).containsExactlyInAnyOrderElementsOf(doomed);
                });
    }

    /**
     * The stream is resharded from 4 to 8 shards: containers built from the old map land on new shards, which makes
     * the channel list the shards again (when it next packs records); records are then grouped by the new shards,
     * and no further listing happens.
     */
    @Test
    void aContainerLandingOnAnotherShardReloadsTheShardMap() {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        harness = aggregating(fake, "buffer-time=20ms");
        List<Shard> resharded = new ArrayList<>(FakeKinesisClient.closed(FOUR_SHARDS));
        resharded.addAll(FakeKinesisClient.evenShards(8, 4));
        ShardMap newMap = ShardMap.fromShards(resharded);

        List<Tracked> first = messages("a", 200, 20, 30);
        harness.send(first);
        harness.awaitCompleted(200);
        assertThat(fake.listings()).isEqualTo(1);
        assertThat(entries(fake.calls())).anyMatch(SentEntry::aggregated);

        fake.shards(resharded);
        List<Tracked> second = messages("b", 200, 20, 30);
        int callsBeforeSecond = fake.callCount();
        harness.send(second);
        harness.awaitCompleted(400);
        List<Call> secondCalls = fake.calls().subList(callsBeforeSecond, fake.callCount());
        // packed by the old map: the containers land where their first record's hash key falls, on new shards
        assertThat(entries(secondCalls)).anyMatch(SentEntry::aggregated);
        assertThat(fake.writes()).filteredOn(write -> write.data().startsWith("b")).extracting(Write::shardId)
                .allMatch(id -> newMap.shardIds().contains(id));

        int callsBeforeThird = fake.callCount();
        List<Tracked> third = messages("c", 200, 20, 30);
        harness.send(third);
        harness.awaitCompleted(600);
        await().atMost(TIMEOUT).until(() -> fake.listings() == 2);

        List<Call> thirdCalls = fake.calls().subList(callsBeforeThird, fake.callCount());
        assertThat(entries(thirdCalls)).anyMatch(SentEntry::aggregated);
        assertEveryEntryOnOneShard(thirdCalls, newMap);
        assertWrittenOnTheirShards(fake.writes().stream().filter(write -> write.data().startsWith("c")).toList(), newMap);

        List<Tracked> fourth = messages("d", 200, 20, 30);
        harness.send(fourth);
        harness.awaitCompleted(800);
        assertThat(fake.listings()).isEqualTo(2);
        List<Tracked> all = new ArrayList<>(first);
        all.addAll(second);
        all.addAll(third);
        all.addAll(fourth);
        assertAckedWhereWritten(all, fake);
    }

    @Test
    void aMessageLargerThanAContainerGoesPlain() {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        harness = aggregating(fake, "aggregation-max-bytes=1000", "max-record-bytes=5000", "buffer-time=1h");

        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            messages.add(message("A", String.valueOf(i), 50));
            if (i == 4) {
                messages.add(message("A", "big", 4_000));
            }
        }
        Tracked big = messages.get(5);
        harness.send(messages);
        harness.channel.close();

        assertAckedWhereWritten(messages, fake);
        SentEntry bigEntry = entries(fake.calls()).stream().filter(entry -> entry.data().contains(big.id))
                .findFirst().orElseThrow();
        assertThat(hasMagic(bigEntry.entry())).isFalse();
        assertThat(bigEntry.aggregated()).isFalse();
        assertThat(FakeKinesisClient.dataOf(bigEntry.entry())).isEqualTo(big.id);
        assertThat(bigEntry.entry().partitionKey()).isEqualTo("A");
        assertThat(big.result.getResult().subSequenceNumber()).isZero();
        assertThat(entries(fake.calls())).filteredOn(entry -> entry != bigEntry)
                .allSatisfy(entry -> assertThat(entry.aggregated()).isTrue());
        assertThat(writtenPerKeyInShardOrder(fake.writes()).get("A"))
                .containsExactlyElementsOf(messages.stream().map(message -> message.id).toList());
    }

    /**
     * Requests stay within max-batch-records entries and max-batch-bytes, each limit reached in its own case. The
     * messages wait for the flush at close (max-in-flight 500: the channel's bound holds them all, so that no full
     * aggregated record leaves before), where partial aggregated records leave too.
     */
    @ParameterizedTest(name = "ordering={0} max-batch-records={1} max-batch-bytes={2}")
    @CsvSource({
            "strict, 5,   1048576",
            "none,   5,   1048576",
            "strict, 500, 8000",
            "none,   500, 8000",
    })
    void requestsStayWithinTheirLimits(String ordering, int maxRecords, int maxBytes) {
        FakeKinesisClient fake = fakeWithShards(FOUR_SHARDS);
        harness = aggregating(fake, "ordering=" + ordering, "max-batch-records=" + maxRecords, "max-in-flight=500",
                "max-batch-bytes=" + maxBytes, "aggregation-max-bytes=3000", "buffer-time=1h");

        List<Tracked> messages = messages("", 2_000, 400, 60);
        harness.send(messages);
        harness.channel.close();

        assertAckedWhereWritten(messages, fake);
        List<Call> calls = fake.calls();
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.entries).hasSizeLessThanOrEqualTo(maxRecords);
            assertThat(call.bytes()).isLessThanOrEqualTo(maxBytes);
        });
        assertThat(entries(calls)).allSatisfy(entry -> assertThat(entry.bytes()).isLessThanOrEqualTo(3_000));
        if (maxRecords == 5) {
            assertThat(calls).anySatisfy(call -> assertThat(call.entries).hasSize(5));
        } else {
            assertThat(calls).anySatisfy(call -> assertThat(call.bytes()).isGreaterThan(maxBytes / 2));
        }
        if (ordering.equals("strict")) {
            assertNoKeyInTwoEntriesOfARequest(calls);
            assertThat(writtenPerKeyInShardOrder(fake.writes())).isEqualTo(emittedPerKey(messages));
        }
        assertEveryEntryOnOneShard(calls, ShardMap.fromShards(FOUR_SHARDS));
        assertThat(entries(calls).size()).isLessThan(messages.size() / 5);
        System.out.printf("Limits %s/%d/%d: %d messages in %d entries of %d requests%n", ordering, maxRecords,
                maxBytes, messages.size(), entries(calls).size(), calls.size());
    }
}
