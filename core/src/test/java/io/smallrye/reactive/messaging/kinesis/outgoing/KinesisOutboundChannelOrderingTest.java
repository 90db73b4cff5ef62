package io.smallrye.reactive.messaging.kinesis.outgoing;

import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.TIMEOUT;
import static io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.INTERNAL_FAILURE;
import static io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.THROUGHPUT_EXCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.Tracked;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.Call;

/**
 * The three ordering modes when a record is refused: which later records of its partition key may leave before it
 * is written. Data is "{key}{n}" (A1, A2, ...), emitted key by key in rounds: A1 B1 C1 A2 B2 C2 ...
 */
class KinesisOutboundChannelOrderingTest {

    private ChannelHarness harness;

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    private List<Tracked> interleaved(String keys, int perKey) {
        List<Tracked> messages = new ArrayList<>();
        for (int n = 1; n <= perKey; n++) {
            for (char key : keys.toCharArray()) {
                messages.add(harness.keyed(String.valueOf(key) + n, String.valueOf(key)));
            }
        }
        return messages;
    }

    private static int numberOf(String data) {
        return Integer.parseInt(data.substring(1));
    }

    /**
     * Checks every request against what was true when it was sent: no key of it was in another request under way,
     * and each earlier record of each of its keys was already written ({@code strict}) or written or ahead of it in
     * the same request (relaxed).
     */
    private static void assertEachKeyWaitedForItsEarlierRecords(List<Call> calls, boolean strict) {
        for (Call call : calls) {
            List<String> data = call.data();
            List<String> keys = call.keys();
            if (strict) {
                assertThat(keys).as("keys of %s", call).doesNotHaveDuplicates();
            }
            for (int i = 0; i < data.size(); i++) {
                String key = keys.get(i);
                assertThat(call.keysInFlightAtSend).as("keys in flight when %s was sent", call)
                        .doesNotContain(call.stream() + "/" + key);
                for (int earlier = 1; earlier < numberOf(data.get(i)); earlier++) {
                    String earlierData = key + earlier;
                    boolean written = call.writtenBeforeSend.contains(earlierData);
                    boolean aheadInRequest = data.subList(0, i).contains(earlierData);
                    assertThat(written || (!strict && aheadInRequest))
                            .as("%s sent in %s while %s was not written", data.get(i), call, earlierData).isTrue();
                }
            }
        }
    }

    @Test
    void strictNeverSendsARecordBeforeTheEarlierRecordsOfItsKeyAreWritten() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.refuseEntry("A1", THROUGHPUT_EXCEEDED, INTERNAL_FAILURE);
        fake.holdAnswers();
        harness = ChannelHarness.create(fake, "ordering=strict", "max-batch-records=3", "max-in-flight=5",
                "buffer-time=10ms", "retry-backoff=50ms");

        List<Tracked> messages = interleaved("ABCDEF", 4);
        harness.send(messages);
        await().atMost(TIMEOUT).until(() -> fake.callCount() >= 2);
        fake.releaseAnswers();
        harness.awaitAllDone();

        harness.assertAllAckedOnce(messages);
        assertThat(fake.timesSent("A1")).isEqualTo(3);
        for (String key : List.of("A", "B", "C", "D", "E", "F")) {
            assertThat(fake.writtenDataOfKey(key)).as("writes of key %s", key)
                    .containsExactly(key + 1, key + 2, key + 3, key + 4);
        }
        assertEachKeyWaitedForItsEarlierRecords(fake.calls(), true);
        // the first two requests were under way at once, with different keys
        Call first = fake.calls().get(0);
        assertThat(fake.calls().get(1).keysInFlightAtSend)
                .containsExactlyInAnyOrderElementsOf(first.keys().stream().map(key -> "test-stream/" + key).toList());
    }

    /**
     * strict, 5 keys with 6 records each, requests of up to 10 records, buffer-time one hour: 30 waiting records fill
     * a request, which carries one record per key; each key's next record was due with it and leaves as soon as its
     * predecessor's answer came back, one round trip after another, not after buffer-time once fewer than a
     * request's worth are left.
     */
    @Test
    void strictSendsTheNextRecordOfAKeyAsSoonAsItsPredecessorIsAnswered() {
        FakeKinesisClient fake = new FakeKinesisClient();
        harness = ChannelHarness.create(fake, "ordering=strict", "max-batch-records=10", "buffer-time=1h");

        List<Tracked> messages = interleaved("ABCDE", 6);
        harness.send(messages);
        harness.awaitCompleted(messages.size());

        harness.assertAllAckedOnce(messages);
        assertThat(fake.calls()).hasSize(6).allSatisfy(call -> assertThat(call.keys()).hasSize(5));
        assertEachKeyWaitedForItsEarlierRecords(fake.calls(), true);
        for (String key : List.of("A", "B", "C", "D", "E")) {
            assertThat(fake.writtenDataOfKey(key)).as("writes of key %s", key)
                    .containsExactly(key + 1, key + 2, key + 3, key + 4, key + 5, key + 6);
        }
    }

    /**
     * relaxed: records of a key travel in one request at a time; while A1 backs off the later A records wait, but
     * when A1 is refused again in a request that also carries A2 and A3, those two are written before it.
     */
    @Test
    void relaxedKeepsAKeyInOneRequestAtATimeButARefusedRecordCanBeOvertakenInItsRequest() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.refuseEntry("A1", THROUGHPUT_EXCEEDED, THROUGHPUT_EXCEEDED);
        fake.holdAnswers();
        harness = ChannelHarness.create(fake, "ordering=relaxed", "max-batch-records=3", "max-in-flight=1",
                "buffer-time=1h", "retry-backoff=600ms", "max-retry-backoff=1s");

        List<Tracked> messages = interleaved("ABC", 5);
        harness.send(messages);
        fake.releaseAnswers();
        harness.awaitAllDone();

        harness.assertAllAckedOnce(messages);
        assertThat(fake.calls()).extracting(Call::data).containsExactly(
                List.of("A1", "B1", "C1"),
                List.of("B2", "C2", "B3"), // A held back while A1 backs off; several B records in one request
                List.of("C3", "B4", "C4"),
                List.of("B5", "C5"),
                List.of("A1", "A2", "A3"), // A1 refused again, A2 and A3 written
                List.of("A1", "A4", "A5"));
        assertThat(fake.writtenDataOfKey("A")).containsExactly("A2", "A3", "A1", "A4", "A5");
        assertThat(fake.writtenDataOfKey("B")).containsExactly("B1", "B2", "B3", "B4", "B5");
        assertEachKeyWaitedForItsEarlierRecords(fake.calls(), false);
    }

    @Test
    void relaxedNeverHasAKeyInTwoRequestsAtOnce() {
        FakeKinesisClient fake = new FakeKinesisClient();
        // every record whose number is a multiple of 3 is refused once
        fake.entries((data, attempt) -> attempt == 1 && numberOf(data) % 3 == 0 ? INTERNAL_FAILURE : null);
        fake.holdAnswers();
        harness = ChannelHarness.create(fake, "ordering=relaxed", "max-batch-records=3", "max-in-flight=5",
                "buffer-time=10ms", "retry-backoff=20ms");

        List<Tracked> messages = interleaved("ABCDEFGH", 6);
        harness.send(messages);
        await().atMost(TIMEOUT).until(() -> fake.callCount() >= 2);
        fake.releaseAnswers();
        harness.awaitAllDone();

        harness.assertAllAckedOnce(messages);
        assertEachKeyWaitedForItsEarlierRecords(fake.calls(), false);
        assertThat(fake.calls().get(1).keysInFlightAtSend).isNotEmpty();
    }

    /** none: the later A records leave while A1 backs off, and are written before it. */
    @Test
    void noneSendsLaterRecordsOfAKeyWhileAnEarlierOneBacksOff() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.refuseEntry("A1", THROUGHPUT_EXCEEDED, THROUGHPUT_EXCEEDED);
        fake.holdAnswers();
        harness = ChannelHarness.create(fake, "ordering=none", "max-batch-records=3", "max-in-flight=1",
                "buffer-time=1h", "retry-backoff=600ms", "max-retry-backoff=1s");

        List<Tracked> messages = interleaved("ABC", 5);
        harness.send(messages);
        fake.releaseAnswers();
        harness.awaitAllDone();

        harness.assertAllAckedOnce(messages);
        assertThat(fake.calls()).extracting(Call::data).containsExactly(
                List.of("A1", "B1", "C1"),
                List.of("A2", "B2", "C2"),
                List.of("A3", "B3", "C3"),
                List.of("A4", "B4", "C4"),
                List.of("A5", "B5", "C5"),
                List.of("A1"),
                List.of("A1"));
        // A2 left after A1 was refused, before A1 was written
        Call second = fake.calls().get(1);
        assertThat(second.writtenBeforeSend).contains("B1", "C1").doesNotContain("A1");
        assertThat(fake.writtenDataOfKey("A")).containsExactly("A2", "A3", "A4", "A5", "A1");
    }

    /** The same scenario as for none, under strict: nothing of key A leaves before A1 is written. */
    @Test
    void strictHoldsBackTheLaterRecordsOfAKeyWhileAnEarlierOneBacksOff() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.refuseEntry("A1", THROUGHPUT_EXCEEDED, THROUGHPUT_EXCEEDED);
        fake.holdAnswers();
        harness = ChannelHarness.create(fake, "ordering=strict", "max-batch-records=3", "max-in-flight=1",
                "buffer-time=10ms", "retry-backoff=100ms", "max-retry-backoff=200ms");

        List<Tracked> messages = interleaved("ABC", 5);
        harness.send(messages);
        fake.releaseAnswers();
        await().atMost(TIMEOUT).until(() -> harness.completed.get() == messages.size());

        harness.assertAllAckedOnce(messages);
        assertThat(fake.writtenDataOfKey("A")).containsExactly("A1", "A2", "A3", "A4", "A5");
        assertThat(fake.calls()).filteredOn(call -> call.data().contains("A1")).hasSize(3);
        assertEachKeyWaitedForItsEarlierRecords(fake.calls(), true);
    }
}
