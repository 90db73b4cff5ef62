package io.smallrye.reactive.messaging.kinesis.incoming;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;

/**
 * The position of a fetched record as Kinesis returned it: the sequence number as text, and the sub-sequence number.
 * The {@link ShardPosition} (a {@code BigInteger}) is made only when asked for: most records' positions are never
 * compared nor saved (only the last completed one is, every checkpoint-interval), and parsing a 56-digit sequence
 * number for each record was the largest single cost of reading plain records.
 */
final class RecordPosition {

    private final String sequenceNumber;
    private final long subSequenceNumber;
    private ShardPosition position;

    RecordPosition(String sequenceNumber, long subSequenceNumber) {
        this.sequenceNumber = sequenceNumber;
        this.subSequenceNumber = subSequenceNumber;
    }

    private RecordPosition(ShardPosition position) {
        this.sequenceNumber = position.sequenceNumberAsString();
        this.subSequenceNumber = position.subSequenceNumber();
        this.position = position;
    }

    static RecordPosition of(ShardPosition position) {
        return new RecordPosition(position);
    }

    long subSequenceNumber() {
        return subSequenceNumber;
    }

    /** The position, parsed at the first call (a race only parses twice: the result is immutable). */
    ShardPosition shardPosition() {
        ShardPosition parsed = position;
        if (parsed == null) {
            parsed = ShardPosition.of(sequenceNumber, subSequenceNumber);
            position = parsed;
        }
        return parsed;
    }

    @Override
    public String toString() {
        return subSequenceNumber == 0 ? sequenceNumber : sequenceNumber + "/" + subSequenceNumber;
    }
}
