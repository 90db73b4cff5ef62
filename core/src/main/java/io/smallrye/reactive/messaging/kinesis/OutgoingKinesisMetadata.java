package io.smallrye.reactive.messaging.kinesis;

/**
 * Metadata of an outgoing message: where and how its record is written. Every field is optional.
 * <ul>
 * <li>{@code partitionKey}: decides the shard and the order (records of one key keep their emission order);
 * without it the channel uses a random key, which spreads records over all shards;</li>
 * <li>{@code explicitHashKey}: a decimal 128-bit hash key that overrides the hash of the partition key;</li>
 * <li>{@code stream}: a stream name or ARN that overrides the channel's {@code stream} attribute.</li>
 * </ul>
 */
public final class OutgoingKinesisMetadata {

    private final String partitionKey;
    private final String explicitHashKey;
    private final String stream;

    private OutgoingKinesisMetadata(Builder builder) {
        this.partitionKey = builder.partitionKey;
        this.explicitHashKey = builder.explicitHashKey;
        this.stream = builder.stream;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String getPartitionKey() {
        return partitionKey;
    }

    public String getExplicitHashKey() {
        return explicitHashKey;
    }

    public String getStream() {
        return stream;
    }

    @Override
    public String toString() {
        return "OutgoingKinesisMetadata{partitionKey=" + partitionKey + ", explicitHashKey=" + explicitHashKey
                + ", stream=" + stream + "}";
    }

    public static final class Builder {
        private String partitionKey;
        private String explicitHashKey;
        private String stream;

        private Builder() {
        }

        public Builder partitionKey(String partitionKey) {
            this.partitionKey = partitionKey;
            return this;
        }

        public Builder explicitHashKey(String explicitHashKey) {
            this.explicitHashKey = explicitHashKey;
            return this;
        }

        public Builder stream(String stream) {
            this.stream = stream;
            return this;
        }

        public OutgoingKinesisMetadata build() {
            return new OutgoingKinesisMetadata(this);
        }
    }
}
