package io.smallrye.reactive.messaging.kinesis.aggregation;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * A Kinesis record ready to be put: an aggregated record holding several user records, or a single user record
 * sent as it is.
 *
 * @param partitionKey the partition key of the Kinesis record
 * @param explicitHashKey the explicit hash key of the Kinesis record, or {@code null}; always set for an aggregated
 *        record, so that it lands on the shard of its user records
 * @param data the data of the Kinesis record
 * @param userRecords how many user records it carries, in the order they were added
 */
public record PackedRecord(String partitionKey, String explicitHashKey, SdkBytes data, int userRecords) {

    /** @return whether this is an aggregated record (more than one user record) rather than a plain one */
    public boolean aggregated() {
        return userRecords > 1;
    }

    public PutRecordsRequestEntry toPutRecordsRequestEntry() {
        return PutRecordsRequestEntry.builder()
                .partitionKey(partitionKey)
                .explicitHashKey(explicitHashKey)
                .data(data)
                .build();
    }
}
