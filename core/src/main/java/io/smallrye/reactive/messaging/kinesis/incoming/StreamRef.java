package io.smallrye.reactive.messaging.kinesis.incoming;

/**
 * A stream as configured: a name, or an ARN (starts with {@code arn:}). Request builders take both, one of them null.
 */
record StreamRef(String value) {

    boolean isArn() {
        return value.startsWith("arn:");
    }

    /** The stream name, or null when configured by ARN. */
    String name() {
        return isArn() ? null : value;
    }

    /** The stream ARN, or null when configured by name. */
    String arn() {
        return isArn() ? value : null;
    }

    @Override
    public String toString() {
        return value;
    }
}
