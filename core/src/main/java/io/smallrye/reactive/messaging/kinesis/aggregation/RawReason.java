package io.smallrye.reactive.messaging.kinesis.aggregation;

/**
 * Why a Kinesis record is delivered as it is rather than unpacked.
 */
public enum RawReason {

    /** It does not start with the magic bytes: an ordinary record. */
    NO_MAGIC(false),
    /** It starts with the magic bytes but is too short to hold the MD5 digest. */
    TRUNCATED(true),
    /** The MD5 digest at the end does not match the bytes before it. */
    BAD_MD5(true),
    /** The digest matches but the protobuf message is malformed or references missing table entries. */
    BAD_PROTOBUF(true),
    /** A well-formed aggregated record without any user record. */
    NO_USER_RECORDS(true);

    private final boolean looksAggregated;

    RawReason(boolean looksAggregated) {
        this.looksAggregated = looksAggregated;
    }

    /** @return whether the record starts with the magic bytes, so that delivering it as is deserves a warning */
    public boolean looksAggregated() {
        return looksAggregated;
    }
}
