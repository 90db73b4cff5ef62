package io.quarkiverse.messaging.kinesis.it;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.quarkiverse.messaging.kinesis.it.Receipts.Receipt;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock.ShardRecord;

/**
 * The figures of a fault case, printed as one line: what happened to every order sent (from the send log), what the
 * stream holds, what the consumer processed, and how long recovery took.
 */
record FaultFigures(SendFates fates, Map<String, Integer> inStream, Map<String, Integer> received,
        Duration recoveredAfter, String extra) {

    static FaultFigures of(SendFates fates, List<ShardRecord> stream, Collection<Receipt> receipts,
            Duration recoveredAfter, String extra) {
        Map<String, Integer> inStream = new HashMap<>();
        stream.forEach(record -> inStream.merge(record.dataAsUtf8(), 1, Integer::sum));
        Map<String, Integer> received = new HashMap<>();
        receipts.forEach(receipt -> received.merge(receipt.payload(), 1, Integer::sum));
        return new FaultFigures(fates, inStream, received, recoveredAfter, extra);
    }

    /** Acked orders that are not in the stream (each one a lost message). */
    Set<String> ackedNotInStream(Collection<String> acked) {
        return acked.stream().filter(order -> !inStream.containsKey(order)).collect(Collectors.toSet());
    }

    /** Records of the stream the consumer did not process. */
    Set<String> inStreamNotReceived() {
        return inStream.keySet().stream().filter(order -> !received.containsKey(order)).collect(Collectors.toSet());
    }

    /** Extra copies of records in the stream (an order written twice counts one). */
    int streamDuplicates() {
        return inStream.values().stream().mapToInt(count -> count - 1).sum();
    }

    /** Extra processings by the consumer (a record processed twice counts one). */
    int receivedDuplicates() {
        return received.values().stream().mapToInt(count -> count - 1).sum();
    }

    String line(String caseName) {
        String reasons = fates.nackReasons().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ", "(", ")"));
        return String.format("FaultSuite %s: accepted=%d acked=%d nacked=%d %s refused=%d unanswered=%d in-stream=%d "
                + "duplicates=%d received=%d received-twice=%d recovered-after=%s%s", caseName,
                fates.accepted().size(), fates.acked().size(), fates.nacked().size(), reasons, fates.refused().size(),
                fates.unanswered().size(), inStream.size(), streamDuplicates(), received.size(), receivedDuplicates(),
                recoveredAfter == null ? "never" : String.format("%.1fs", recoveredAfter.toMillis() / 1000.0),
                extra == null || extra.isEmpty() ? "" : " " + extra);
    }
}
