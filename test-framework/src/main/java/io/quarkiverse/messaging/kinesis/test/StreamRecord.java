package io.quarkiverse.messaging.kinesis.test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A user record read from a stream. A KPL aggregated record is returned as its user records: they share the outer
 * record's sequence number and have sub-sequence numbers 0..n-1; a plain record has sub-sequence number 0 and
 * {@link #aggregated()} false.
 *
 * {@code equals} compares {@code data} by identity (a record's array): compare {@link #dataAsUtf8()} or
 * {@code Arrays.equals} in assertions.
 *
 * @param data the payload (not copied: do not change it)
 */
public record StreamRecord(String shardId, String sequenceNumber, long subSequenceNumber, boolean aggregated,
        String partitionKey, byte[] data, Instant arrivalTime) {

    /** The payload decoded as UTF-8. */
    public String dataAsUtf8() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Sequence number and sub-sequence number: unique within a stream, also for the user records of one record. */
    public String position() {
        return sequenceNumber + "/" + subSequenceNumber;
    }

    @Override
    public String toString() {
        return "StreamRecord[" + shardId + " " + position() + (aggregated ? " (aggregated)" : "") + ", key "
                + partitionKey + ", " + data.length + " bytes]";
    }
}
