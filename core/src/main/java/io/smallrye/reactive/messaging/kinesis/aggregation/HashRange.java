package io.smallrye.reactive.messaging.kinesis.aggregation;

import java.math.BigInteger;
import java.util.Objects;

import software.amazon.awssdk.services.kinesis.model.HashKeyRange;

/**
 * An inclusive range of hash keys, such as the one a shard owns.
 *
 * @param start the first hash key of the range
 * @param end the last hash key of the range, not smaller than start
 */
public record HashRange(BigInteger start, BigInteger end) {

    /** All hash keys. */
    public static final HashRange ALL = new HashRange(HashKeys.MIN, HashKeys.MAX);

    public HashRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (start.signum() < 0 || end.compareTo(HashKeys.MAX) > 0 || start.compareTo(end) > 0) {
            throw new IllegalArgumentException("Invalid hash key range [" + start + ", " + end + "]");
        }
    }

    /**
     * @throws IllegalArgumentException if the range is not a valid decimal range within [0, 2^128 - 1]
     */
    public static HashRange of(HashKeyRange range) {
        return new HashRange(HashKeys.parseExplicit(range.startingHashKey()), HashKeys.parseExplicit(range.endingHashKey()));
    }

    public boolean contains(BigInteger hashKey) {
        return start.compareTo(hashKey) <= 0 && hashKey.compareTo(end) <= 0;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + "]";
    }
}
