package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import software.amazon.awssdk.core.SdkBytes;

/**
 * The per-key queues choose what the walk over every waiting record in emission order chose: the same batches, the
 * same held records due after a landing, the same oldest record and retry deadlines, through random sequences of
 * arrivals (several keys, unkeyed records, two streams), batches (full by records or bytes, records left out by the
 * packer), answers (stored, or refused and retried after a backoff) and time.
 */
class PendingRecordsMatchTheEmissionOrderWalkTest {

    private static final SdkBytes DATA = SdkBytes.fromUtf8String("x");
    private static final String[] KEYS = { "a", "b", "c", "d", "e", null };

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void everyStepChoosesWhatTheWalkChose(Ordering ordering) {
        for (int seed = 0; seed < 300; seed++) {
            runScenario(ordering, new Random(seed));
        }
    }

    private void runScenario(Ordering ordering, Random random) {
        int maxRecords = 1 + random.nextInt(4);
        long maxBytes = 3 + random.nextInt(8);
        PendingRecords queues = new PendingRecords(ordering, maxRecords, maxBytes);
        ScanningPendingRecords walk = new ScanningPendingRecords(ordering, maxRecords, maxBytes);
        List<List<RequestEntry>> inFlight = new ArrayList<>();
        long now = 0;
        long sequence = 0;
        for (int step = 0; step < 200; step++) {
            int action = random.nextInt(10);
            if (action < 4) {
                PendingRecord record = record(random, sequence++, now);
                queues.add(record);
                walk.add(record);
            } else if (action < 7) {
                boolean leaveOutTail = random.nextInt(4) == 0;
                List<RequestEntry> expected = walk.nextBatch(now, packers(ordering, maxRecords, maxBytes, leaveOutTail));
                List<RequestEntry> actual = queues.nextBatch(now, packers(ordering, maxRecords, maxBytes, leaveOutTail));
                assertThat(records(actual)).as("batch at step %d", step).isEqualTo(records(expected));
                if (!actual.isEmpty()) {
                    inFlight.add(actual);
                }
            } else if (action < 9 && !inFlight.isEmpty()) {
                List<RequestEntry> answered = inFlight.remove(random.nextInt(inFlight.size()));
                for (PendingRecord record : records(answered)) {
                    queues.landed(record);
                    walk.landed(record);
                    if (random.nextInt(3) == 0) {
                        record.attempts++;
                        record.notBeforeNanos = now + random.nextInt(4);
                        queues.add(record);
                        walk.add(record);
                    }
                }
            } else {
                now += random.nextInt(3);
            }
            assertThat(queues.size()).isEqualTo(walk.size());
            assertThat(queues.heldRecordsDue()).as("held records due at step %d", step)
                    .isEqualTo(walk.heldRecordsDue());
            assertThat(queues.fillsABatch()).isEqualTo(walk.fillsABatch());
            assertThat(queues.bytesToFill()).isEqualTo(walk.bytesToFill());
            assertThat(queues.retryDue(now)).isEqualTo(walk.retryDue(now));
            assertThat(queues.nextRetryAtNanos(now)).isEqualTo(walk.nextRetryAtNanos(now));
            if (!walk.isEmpty()) {
                assertThat(queues.oldestEnqueuedAtNanos()).isEqualTo(walk.oldestEnqueuedAtNanos());
            }
        }
        assertThat(queues.drainAll()).isEqualTo(walk.drainAll());
    }

    /** Plain packers; when leaving out the tail, the records taken after the first entry stay waiting. */
    private static Function<String, BatchPacker> packers(Ordering ordering, int maxRecords, long maxBytes,
            boolean leaveOutTail) {
        return stream -> {
            PlainPacker plain = new PlainPacker(maxRecords, maxBytes, ordering);
            if (!leaveOutTail) {
                return plain;
            }
            return new BatchPacker() {
                @Override
                public Offer offer(PendingRecord record) {
                    return plain.offer(record);
                }

                @Override
                public List<RequestEntry> finish() {
                    List<RequestEntry> entries = plain.finish();
                    return entries.isEmpty() ? entries : List.of(entries.get(0));
                }
            };
        };
    }

    private static List<PendingRecord> records(List<RequestEntry> batch) {
        return batch.stream().flatMap(entry -> entry.records().stream()).toList();
    }

    private static PendingRecord record(Random random, long sequence, long now) {
        String key = KEYS[random.nextInt(KEYS.length)];
        String stream = random.nextInt(5) == 0 ? "t" : "s";
        boolean unkeyed = key == null;
        return new PendingRecord(Message.of("x"), stream, DATA, unkeyed ? "r" + sequence : key, unkeyed, null,
                1 + random.nextInt(3), sequence, now, null);
    }
}
