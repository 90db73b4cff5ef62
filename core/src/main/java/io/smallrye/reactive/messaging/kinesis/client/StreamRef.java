package io.smallrye.reactive.messaging.kinesis.client;

/**
 * A stream as configured: a name, or an ARN (starts with {@code arn:}). Request builders take both, one of them null:
 * {@code request.streamName(stream.name()).streamARN(stream.arn())}.
 */
public record StreamRef(String value) {

    public boolean isArn() {
        return value.startsWith("arn:");
    }

    /** The stream name, or null when configured by ARN. */
    public String name() {
        return isArn() ? null : value;
    }

    /** The stream ARN, or null when configured by name. */
    public String arn() {
        return isArn() ? value : null;
    }

    @Override
    public String toString() {
        return value;
    }
}
