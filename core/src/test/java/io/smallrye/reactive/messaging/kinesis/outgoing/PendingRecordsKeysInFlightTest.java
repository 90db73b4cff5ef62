package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.SdkBytes;

/**
 * The next batch while every waiting record's key has a record in a request under way: nothing, without losing a
 * record of another key, an unkeyed record, a landed key or a retry.
 */
class PendingRecordsKeysInFlightTest {

    private static final SdkBytes DATA = SdkBytes.fromUtf8String("x");
    private long sequence;

    @Test
    void recordsBehindKeysInFlightWaitButANewKeyAndAnUnkeyedRecordGo() {
        for (Ordering ordering : List.of(Ordering.STRICT, Ordering.RELAXED)) {
            PendingRecords pending = new PendingRecords(ordering, 10, 1_000_000);
            pending.add(record("a"));
            pending.add(record("b"));
            assertThat(keys(next(pending))).containsExactly("a", "b");
            pending.add(record("a"));
            pending.add(record("b"));

            assertThat(next(pending)).isEmpty();
            assertThat(next(pending)).isEmpty();

            pending.add(record("c"));
            assertThat(keys(next(pending))).containsExactly("c");
            pending.add(record(null));
            assertThat(keys(next(pending))).containsExactly((String) null);
            assertThat(next(pending)).isEmpty();
            assertThat(pending.size()).isEqualTo(2);
        }
    }

    @Test
    void aLandedKeyMakesItsHeldRecordsDueAndTakeable() {
        PendingRecords pending = new PendingRecords(Ordering.STRICT, 10, 1_000_000);
        PendingRecord a1 = record("a");
        pending.add(a1);
        pending.add(record("b"));
        next(pending);
        pending.add(record("a"));
        pending.add(record("b"));
        assertThat(next(pending)).isEmpty();
        assertThat(pending.heldRecordsDue()).isFalse();

        pending.landed(a1);

        assertThat(pending.heldRecordsDue()).isTrue();
        assertThat(keys(next(pending))).containsExactly("a");
        assertThat(next(pending)).isEmpty();
    }

    @Test
    void aRefusedRecordBackingOffHoldsItsKeyThenGoes() {
        PendingRecords pending = new PendingRecords(Ordering.STRICT, 10, 1_000_000);
        PendingRecord a1 = record("a");
        pending.add(a1);
        next(pending);
        pending.add(record("a"));
        assertThat(next(pending)).isEmpty();

        pending.landed(a1);
        a1.attempts = 1;
        a1.notBeforeNanos = 1_000;
        pending.add(a1);

        assertThat(pending.nextBatch(0, stream -> packer(Ordering.STRICT))).isEmpty();
        List<RequestEntry> retried = pending.nextBatch(1_000, stream -> packer(Ordering.STRICT));
        assertThat(retried).extracting(entry -> entry.records().get(0)).containsExactly(a1);
        assertThat(next(pending)).isEmpty();
    }

    private List<RequestEntry> next(PendingRecords pending) {
        return pending.nextBatch(0, stream -> packer(Ordering.STRICT));
    }

    private static PlainPacker packer(Ordering ordering) {
        return new PlainPacker(10, 1_000_000, ordering);
    }

    private static List<String> keys(List<RequestEntry> batch) {
        return batch.stream().map(entry -> entry.records().get(0).orderKey == null ? null
                : entry.records().get(0).entry.partitionKey()).toList();
    }

    private PendingRecord record(String key) {
        boolean random = key == null;
        return new PendingRecord(Message.of("x"), "s", DATA, random ? "r" + sequence : key, random, null, 2,
                sequence++, 0, null);
    }
}
