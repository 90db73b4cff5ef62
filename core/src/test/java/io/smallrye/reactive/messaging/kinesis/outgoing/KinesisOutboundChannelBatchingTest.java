package io.smallrye.reactive.messaging.kinesis.outgoing;

import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.Tracked;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.Call;

/**
 * When requests leave (batch full by records or bytes, buffer-time, flush) and how much the channel takes from
 * upstream.
 */
class KinesisOutboundChannelBatchingTest {

    private ChannelHarness harness;

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    private List<Tracked> messages(String prefix, int count) {
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(harness.message(prefix + i));
        }
        return messages;
    }

    private static List<String> ids(List<Tracked> messages) {
        return messages.stream().map(message -> message.id).toList();
    }

    @Test
    void noRequestHasMoreThanMaxBatchRecords() {
        harness = ChannelHarness.create("max-batch-records=7", "buffer-time=1h");

        List<Tracked> messages = messages("m", 50);
        harness.send(messages);
        await().atMost(TIMEOUT).until(() -> harness.completed.get() == 49);
        harness.channel.close();

        // seven full requests as the messages come, the last one at close
        assertThat(harness.fake.calls()).extracting(call -> call.request.records().size())
                .containsExactly(7, 7, 7, 7, 7, 7, 7, 1);
        assertThat(harness.fake.allSentData()).containsExactlyElementsOf(ids(messages));
        harness.assertAllAckedOnce(messages);
    }

    @Test
    void noRequestHasMoreThanMaxBatchBytesExceptALargerRecordAlone() {
        harness = ChannelHarness.create("max-batch-bytes=1000", "buffer-time=1h");

        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // 96 bytes of data + a 4-byte key: 100 bytes per record
            String id = String.format("m%02d", i);
            String payload = id + "-".repeat(93);
            messages.add(harness.messageWithPayload(id, payload,
                    OutgoingKinesisMetadata.builder().partitionKey("k" + id).build()));
            if (i == 14) {
                messages.add(harness.messageWithPayload("big", "B".repeat(1500),
                        OutgoingKinesisMetadata.builder().partitionKey("kbig").build()));
            }
        }
        harness.send(messages);
        harness.channel.close();

        harness.assertAllAckedOnce(messages);
        List<Call> calls = harness.fake.calls();
        assertThat(calls).allSatisfy(call -> {
            if (call.request.records().size() > 1) {
                assertThat(call.bytes()).as("bytes of %s", call).isLessThanOrEqualTo(1000);
            }
        });
        assertThat(calls).filteredOn(call -> call.data().contains("B".repeat(1500)))
                .singleElement()
                .satisfies(call -> assertThat(call.request.records()).hasSize(1));
        assertThat(calls).anySatisfy(call -> assertThat(call.bytes()).isEqualTo(1000));
        assertThat(harness.fake.allSentData()).hasSize(31);
    }

    @Test
    void fullBatchesLeaveAtOnceAndTheRestWaitsForBufferTimeOrAFlush() {
        harness = ChannelHarness.create("max-batch-records=5", "buffer-time=1h");

        List<Tracked> messages = messages("m", 12);
        harness.send(messages);

        await().atMost(TIMEOUT).until(() -> harness.completed.get() == 10);
        await().during(Duration.ofMillis(500)).atMost(TIMEOUT)
                .until(() -> harness.fake.callCount() == 2 && harness.completed.get() == 10);
        assertThat(harness.fake.calls()).extracting(Call::data).containsExactly(
                List.of("m0", "m1", "m2", "m3", "m4"), List.of("m5", "m6", "m7", "m8", "m9"));
        assertThat(harness.get("m10").done()).isFalse();
        assertThat(harness.get("m11").done()).isFalse();

        harness.channel.close();

        assertThat(harness.fake.calls()).hasSize(3);
        assertThat(harness.fake.calls().get(2).data()).containsExactly("m10", "m11");
        harness.assertAllAckedOnce(messages);
    }

    @Test
    void aRecordLeavesAfterBufferTime() {
        harness = ChannelHarness.create("buffer-time=200ms");

        Tracked message = harness.message("alone");
        harness.send(message);

        harness.awaitAllDone();
        message.assertAckedOnce();
        assertThat(harness.fake.calls()).extracting(Call::data).containsExactly(List.of("alone"));
    }

    /**
     * A full batch leaves at once, but the buffer-time timer armed for its first record stays; a record that arrives
     * later must still leave after its own buffer-time, although that first timer fires with nothing due.
     */
    @Test
    void aRecordArrivingAfterAFullBatchLeavesAfterItsOwnBufferTime() {
        harness = ChannelHarness.create("max-batch-records=3", "buffer-time=700ms");

        List<Tracked> first = messages("first", 3);
        harness.send(first);
        await().atMost(TIMEOUT).until(() -> harness.completed.get() == 3);
        // the timer armed for first0 fires about 700ms after it, while late, sent now, is not due yet
        Tracked late = harness.message("late");
        harness.send(late);

        await().atMost(TIMEOUT).until(late::done);
        late.assertAckedOnce();
        assertThat(harness.fake.calls()).extracting(Call::data).containsExactly(
                List.of("first0", "first1", "first2"), List.of("late"));
    }

    @Test
    void upstreamIsAskedForNoMoreThanMaxBufferedRecords() {
        FakeKinesisClient fake = new FakeKinesisClient(2);
        fake.holdAnswers();
        harness = ChannelHarness.create(fake, "max-buffered-records=50", "max-batch-records=10", "max-in-flight=5",
                "buffer-time=1h");

        AtomicInteger received = new AtomicInteger();
        AtomicInteger maxOutstanding = new AtomicInteger();
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            messages.add(harness.message("m" + i));
        }
        harness.subscribe(Multi.createFrom().range(0, 1000)
                .<Message<?>> map(i -> messages.get(i).message)
                .onItem().invoke(ignored -> {
                    int outstanding = received.incrementAndGet() - harness.completed.get();
                    maxOutstanding.accumulateAndGet(outstanding, Math::max);
                }));

        // while Kinesis does not answer, the channel holds exactly max-buffered-records messages
        await().atMost(TIMEOUT).until(() -> fake.callCount() == 5);
        await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> received.get() == 50);
        assertThat(fake.calls()).allSatisfy(call -> assertThat(call.request.records()).hasSize(10));

        fake.releaseAnswers();
        await().atMost(TIMEOUT).until(() -> harness.completed.get() == 1000);
        harness.assertAllAckedOnce(messages);
        assertThat(received.get()).isEqualTo(1000);
        assertThat(fake.allSentData()).containsExactlyInAnyOrderElementsOf(ids(messages));
        // Held messages never exceed 50; a message counts as outstanding here until its ack callback ran, and the
        // channel releases a record just before acking it, so up to one answer (10 records) per thread completing
        // answers (2 fake threads) may be released but not acked yet when new messages arrive.
        assertThat(maxOutstanding.get()).isGreaterThanOrEqualTo(50).isLessThanOrEqualTo(50 + 2 * 10);
    }

    @Test
    void upstreamIsAskedForNoMoreThanMaxBufferedBytesAllow() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.holdAnswers();
        harness = ChannelHarness.create(fake, "max-record-bytes=1000", "max-buffered-bytes=10000",
                "max-batch-records=5", "max-in-flight=100", "buffer-time=1h");

        AtomicInteger received = new AtomicInteger();
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            // 995 bytes of data + a 5-byte key: 1000 bytes per record
            messages.add(harness.messageWithPayload("m" + i, String.format("%03d", i) + "x".repeat(992),
                    OutgoingKinesisMetadata.builder().partitionKey(String.format("k%04d", i)).build()));
        }
        harness.subscribe(Multi.createFrom().range(0, 100)
                .<Message<?>> map(i -> messages.get(i).message)
                .onItem().invoke(received::incrementAndGet));

        // 10 records of 1000 bytes fill max-buffered-bytes; the first request for demand guesses 1 KiB a record
        await().atMost(TIMEOUT).until(() -> fake.callCount() == 2);
        await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> received.get() == 10);

        fake.releaseAnswers();
        await().atMost(TIMEOUT).until(() -> harness.completed.get() == 100);
        harness.assertAllAckedOnce(messages);
    }
}
