package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.List;

import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * One entry of a PutRecords request and the messages it carries: one for a plain record, several for an aggregated
 * record (in sub-sequence order). Kinesis accepts or refuses the entry as a whole.
 *
 * @param records the messages, in the order of their sub-sequence numbers
 * @param entry what is sent
 * @param aggregated whether the entry is a KPL aggregated record
 * @param predictedShard the shard the entry should land on, or {@code null} when not predicted
 */
record RequestEntry(List<PendingRecord> records, PutRecordsRequestEntry entry, boolean aggregated,
        String predictedShard) {

    static RequestEntry plain(PendingRecord record) {
        return new RequestEntry(List.of(record), record.entry, false, null);
    }
}
