package io.smallrye.reactive.messaging.kinesis.checkpoint;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A place in a shard: the sequence number of a Kinesis record and, for a record that carries several user records
 * (KPL aggregation), the index of one of them. A plain record has sub-sequence number 0. Positions of one shard are
 * ordered by sequence number, then sub-sequence number.
 *
 * @param sequenceNumber the record's sequence number, a decimal integer of up to 128 bits
 * @param subSequenceNumber the user record's index within an aggregated record, 0 otherwise
 */
public record ShardPosition(BigInteger sequenceNumber, long subSequenceNumber) implements Comparable<ShardPosition> {

    public ShardPosition {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        if (sequenceNumber.signum() < 0 || subSequenceNumber < 0) {
            throw new IllegalArgumentException("Negative shard position: " + sequenceNumber + "/" + subSequenceNumber);
        }
    }

    /** The position of a plain record, from the sequence number as Kinesis returns it. */
    public static ShardPosition of(String sequenceNumber) {
        return new ShardPosition(new BigInteger(sequenceNumber), 0);
    }

    public static ShardPosition of(String sequenceNumber, long subSequenceNumber) {
        return new ShardPosition(new BigInteger(sequenceNumber), subSequenceNumber);
    }

    /** The sequence number as Kinesis writes it (decimal). */
    public String sequenceNumberAsString() {
        return sequenceNumber.toString();
    }

    @Override
    public int compareTo(ShardPosition other) {
        int bySequence = sequenceNumber.compareTo(other.sequenceNumber);
        return bySequence != 0 ? bySequence : Long.compare(subSequenceNumber, other.subSequenceNumber);
    }

    @Override
    public String toString() {
        return subSequenceNumber == 0 ? sequenceNumber.toString() : sequenceNumber + "/" + subSequenceNumber;
    }
}
