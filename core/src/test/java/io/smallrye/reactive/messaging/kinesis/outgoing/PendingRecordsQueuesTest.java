package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.SdkBytes;

/**
 * The edges of the per-key queues: a key whose first record backs off, a retried record back before the later records
 * of its key, several streams, several records of a key in one request under relaxed ordering.
 */
class PendingRecordsQueuesTest {

    private static final SdkBytes DATA = SdkBytes.fromUtf8String("x");
    private long sequence;

    @Test
    void aKeyWhoseFirstRecordBacksOffWaitsWhileALaterKeyGoes() {
        PendingRecords pending = new PendingRecords(Ordering.STRICT, 10, 1_000_000);
        PendingRecord a1 = record("s", "a");
        pending.add(a1);
        next(pending, 0, Ordering.STRICT);
        PendingRecord a2 = record("s", "a");
        PendingRecord b1 = record("s", "b");
        pending.add(a2);
        pending.add(b1);
        refused(pending, a1, 100);

        assertThat(next(pending, 50, Ordering.STRICT)).containsExactly(b1);
        assertThat(pending.oldestEnqueuedAtNanos()).isEqualTo(a1.enqueuedAtNanos);
        assertThat(pending.nextRetryAtNanos(50)).hasValue(100);
        assertThat(pending.retryDue(99)).isFalse();
        assertThat(pending.retryDue(100)).isTrue();
        assertThat(next(pending, 100, Ordering.STRICT)).containsExactly(a1);
        pending.landed(a1);
        assertThat(next(pending, 100, Ordering.STRICT)).containsExactly(a2);
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void aRetriedRecordGoesBeforeTheLaterRecordsOfItsKeyInOneRelaxedRequest() {
        PendingRecords pending = new PendingRecords(Ordering.RELAXED, 10, 1_000_000);
        PendingRecord a1 = record("s", "a");
        pending.add(a1);
        next(pending, 0, Ordering.RELAXED);
        PendingRecord a2 = record("s", "a");
        PendingRecord a3 = record("s", "a");
        pending.add(a2);
        pending.add(a3);
        assertThat(next(pending, 0, Ordering.RELAXED)).isEmpty();

        refused(pending, a1, 10);

        assertThat(pending.heldRecordsDue()).isTrue();
        assertThat(next(pending, 5, Ordering.RELAXED)).isEmpty();
        assertThat(next(pending, 10, Ordering.RELAXED)).containsExactly(a1, a2, a3);
    }

    @Test
    void aBatchCarriesTheStreamOfTheOldestRecordThatMayGoAndTheOtherStreamFollows() {
        PendingRecords pending = new PendingRecords(Ordering.STRICT, 10, 1_000_000);
        PendingRecord s1 = record("s", "a");
        PendingRecord t1 = record("t", "a");
        PendingRecord s2 = record("s", null);
        PendingRecord t2 = record("t", null);
        PendingRecord s3 = record("s", "b");
        for (PendingRecord record : List.of(s1, t1, s2, t2, s3)) {
            pending.add(record);
        }

        assertThat(next(pending, 0, Ordering.STRICT)).containsExactly(s1, s2, s3);
        assertThat(next(pending, 0, Ordering.STRICT)).containsExactly(t1, t2);
    }

    @Test
    void relaxedOrderingSendsSeveralRecordsOfAKeyInOneRequestInEmissionOrderAndHoldsTheRestUntilItLands() {
        PendingRecords pending = new PendingRecords(Ordering.RELAXED, 3, 1_000_000);
        PendingRecord a1 = record("s", "a");
        PendingRecord b1 = record("s", "b");
        PendingRecord a2 = record("s", "a");
        PendingRecord a3 = record("s", "a");
        PendingRecord b2 = record("s", "b");
        for (PendingRecord record : List.of(a1, b1, a2, a3, b2)) {
            pending.add(record);
        }

        assertThat(next(pending, 0, Ordering.RELAXED, 3)).containsExactly(a1, b1, a2);
        assertThat(next(pending, 0, Ordering.RELAXED, 3)).isEmpty();
        assertThat(pending.heldRecordsDue()).isFalse();
        pending.landed(a1);
        pending.landed(a2);
        assertThat(pending.heldRecordsDue()).isTrue();
        assertThat(next(pending, 0, Ordering.RELAXED, 3)).containsExactly(a3);
        pending.landed(b1);
        assertThat(next(pending, 0, Ordering.RELAXED, 3)).containsExactly(b2);
    }

    private static void refused(PendingRecords pending, PendingRecord record, long notBeforeNanos) {
        pending.landed(record);
        record.attempts++;
        record.notBeforeNanos = notBeforeNanos;
        pending.add(record);
    }

    private static List<PendingRecord> next(PendingRecords pending, long now, Ordering ordering) {
        return next(pending, now, ordering, 10);
    }

    private static List<PendingRecord> next(PendingRecords pending, long now, Ordering ordering, int maxRecords) {
        return pending.nextBatch(now, stream -> new PlainPacker(maxRecords, 1_000_000, ordering)).stream()
                .flatMap(entry -> entry.records().stream()).toList();
    }

    private PendingRecord record(String stream, String key) {
        boolean random = key == null;
        long at = sequence++;
        return new PendingRecord(Message.of("x"), stream, DATA, random ? "r" + at : key, random, null, 2, at, at,
                null);
    }
}
