package io.smallrye.reactive.messaging.kinesis.aggregation;

import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * A user record unpacked from an aggregated Kinesis record. It shares the outer record's sequence number.
 *
 * @param subSequenceNumber its position in the aggregated record, from 0
 * @param partitionKey its partition key
 * @param explicitHashKey its explicit hash key, or {@code null}; when present, a valid decimal hash key
 * @param data its data: a read-only view of the outer record's data, not a copy
 */
public record SubRecord(int subSequenceNumber, String partitionKey, String explicitHashKey, ByteBuffer data) {

    /** @return the hash key Kinesis would use for this record: explicit if present, else from the partition key */
    public BigInteger effectiveHashKey() {
        return HashKeys.effective(partitionKey, explicitHashKey);
    }

    /** @return whether the record's effective hash key lies in the range, such as its shard's */
    public boolean isWithin(HashRange range) {
        return range.contains(effectiveHashKey());
    }

    /** @return a copy of the data (the view itself is left untouched) */
    public byte[] dataAsBytes() {
        ByteBuffer view = data.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
