package io.smallrye.reactive.messaging.kinesis.aggregation;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Deaggregator} made of a Kinesis record: the user records of a valid aggregated record, or "raw" with
 * the reason, in which case the record is to be delivered as it is.
 */
public final class Deaggregated {

    private final List<SubRecord> records;
    private final RawReason rawReason;
    private final String detail;

    private Deaggregated(List<SubRecord> records, RawReason rawReason, String detail) {
        this.records = records;
        this.rawReason = rawReason;
        this.detail = detail;
    }

    static Deaggregated unpacked(List<SubRecord> records) {
        return new Deaggregated(Collections.unmodifiableList(records), null, null);
    }

    static Deaggregated raw(RawReason reason, String detail) {
        return new Deaggregated(List.of(), reason, detail);
    }

    /** @return whether the record was a valid aggregated record, unpacked into {@link #records()} */
    public boolean aggregated() {
        return rawReason == null;
    }

    /** @return the user records, sub-sequence numbers 0..n-1 in order; empty when raw */
    public List<SubRecord> records() {
        return records;
    }

    /** @return why the record is raw, or {@code null} if it was unpacked */
    public RawReason rawReason() {
        return rawReason;
    }

    /** @return a human-readable explanation of the raw reason, or {@code null} if it was unpacked */
    public String detail() {
        return detail;
    }

    /**
     * The user records whose effective hash key lies outside the range, usually none. The KCL drops the whole
     * aggregated record in that case; callers here are expected to deliver them and warn. Each distinct key is hashed
     * once.
     */
    public List<SubRecord> outsideOf(HashRange range) {
        List<SubRecord> outside = new ArrayList<>(0);
        // records sharing a table entry share the String instance
        Map<String, BigInteger> explicitKeys = new IdentityHashMap<>();
        Map<String, BigInteger> partitionKeys = new IdentityHashMap<>();
        for (SubRecord record : records) {
            BigInteger hashKey = record.explicitHashKey() != null
                    ? explicitKeys.computeIfAbsent(record.explicitHashKey(), HashKeys::parseExplicit)
                    : partitionKeys.computeIfAbsent(record.partitionKey(), HashKeys::ofPartitionKey);
            if (!range.contains(hashKey)) {
                outside.add(record);
            }
        }
        return outside;
    }

    @Override
    public String toString() {
        return aggregated() ? "Deaggregated{" + records.size() + " user records}"
                : "Deaggregated{raw " + rawReason + ": " + detail + "}";
    }
}
