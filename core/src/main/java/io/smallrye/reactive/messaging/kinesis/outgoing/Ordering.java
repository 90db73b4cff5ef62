package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.Locale;

/**
 * How the outgoing channel orders records that share a partition key (see the {@code ordering} attribute).
 */
public enum Ordering {
    /** At most one record of a key in flight: a refused record is retried before any later record of its key. */
    STRICT,
    /** Records of a key travel in at most one request at a time, in emission order. */
    RELAXED,
    /** No constraint between records of a key. */
    NONE;

    public String attributeValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
