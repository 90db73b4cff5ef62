package io.smallrye.reactive.messaging.kinesis.incoming;

import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;

/** How an incoming channel gets the records of its shards: attribute {@code consumer-mode}. */
public enum ConsumerMode {
    /** GetRecords calls, paced by demand and poll-interval (5 calls per second per shard, shared). */
    POLLING("polling"),
    /** Enhanced fan-out: SubscribeToShard pushes records to a registered stream consumer over HTTP/2. */
    FAN_OUT("fan-out");

    private final String attributeValue;

    ConsumerMode(String attributeValue) {
        this.attributeValue = attributeValue;
    }

    /** The value of the {@code consumer-mode} attribute that selects this mode. */
    public String attributeValue() {
        return attributeValue;
    }

    static ConsumerMode parse(String channel, String value) {
        for (ConsumerMode mode : values()) {
            if (mode.attributeValue.equalsIgnoreCase(value.trim())) {
                return mode;
            }
        }
        throw KinesisExceptions.ex.invalidAttribute(channel, "consumer-mode", value, "polling or fan-out");
    }

    @Override
    public String toString() {
        return attributeValue;
    }
}
