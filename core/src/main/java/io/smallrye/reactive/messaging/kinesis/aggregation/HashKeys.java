package io.smallrye.reactive.messaging.kinesis.aggregation;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Hash keys, the 128-bit numbers by which Kinesis assigns a record to a shard.
 * <p>
 * The hash key of a record is its explicit hash key when it has one, else the MD5 digest of the UTF-8 bytes of its
 * partition key read as an unsigned 128-bit integer. Unpaired surrogates in a key are encoded as {@code '?'}, like
 * {@link String#getBytes(java.nio.charset.Charset)} (and the KCL) do.
 */
public final class HashKeys {

    /** The smallest hash key, 0. */
    public static final BigInteger MIN = BigInteger.ZERO;
    /** The largest hash key, 2^128 - 1. */
    public static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private HashKeys() {
    }

    /**
     * @return the hash key of the partition key: MD5 of its UTF-8 bytes as an unsigned integer
     */
    public static BigInteger ofPartitionKey(String partitionKey) {
        return new BigInteger(1, Md5.digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Parses an explicit hash key: a decimal integer between 0 and 2^128 - 1.
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static BigInteger parseExplicit(String explicitHashKey) {
        BigInteger key = tryParseExplicit(explicitHashKey);
        if (key == null) {
            throw new IllegalArgumentException(
                    "Explicit hash key '" + explicitHashKey + "' is not a decimal integer between 0 and 2^128-1");
        }
        return key;
    }

    /**
     * @return the explicit hash key as a number, or {@code null} if it is not a decimal integer between 0 and
     *         2^128 - 1
     */
    public static BigInteger tryParseExplicit(String explicitHashKey) {
        // 2^128 - 1 has 39 digits; a longer string (leading zeros aside) is out of range anyway, and the bound keeps
        // BigInteger's quadratic parsing away from a hostile input
        if (explicitHashKey == null || explicitHashKey.isEmpty() || explicitHashKey.length() > 64) {
            return null;
        }
        for (int i = 0; i < explicitHashKey.length(); i++) {
            char c = explicitHashKey.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        BigInteger key = new BigInteger(explicitHashKey);
        return key.compareTo(MAX) <= 0 ? key : null;
    }

    /**
     * @param explicitHashKey the explicit hash key, or {@code null}
     * @return the hash key Kinesis uses to place the record
     * @throws IllegalArgumentException if the explicit hash key is present and invalid
     */
    public static BigInteger effective(String partitionKey, String explicitHashKey) {
        return explicitHashKey != null ? parseExplicit(explicitHashKey) : ofPartitionKey(partitionKey);
    }
}
