package io.smallrye.reactive.messaging.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Writes test records straight to a stream with PutRecords (500 a request), retrying refused entries, so that tests
 * of the incoming channel do not depend on the outgoing one.
 */
final class StreamWriter {

    private StreamWriter() {
    }

    static PutRecordsRequestEntry entry(String partitionKey, byte[] data) {
        return PutRecordsRequestEntry.builder().partitionKey(partitionKey).data(SdkBytes.fromByteArray(data)).build();
    }

    static PutRecordsRequestEntry entry(String partitionKey, String data) {
        return PutRecordsRequestEntry.builder().partitionKey(partitionKey).data(SdkBytes.fromUtf8String(data)).build();
    }

    /** Writes every entry, in order per partition key (batches are sent one after the other). */
    static void putAll(KinesisAsyncClient client, String stream, List<PutRecordsRequestEntry> entries) {
        for (int start = 0; start < entries.size(); start += 500) {
            List<PutRecordsRequestEntry> batch = entries.subList(start, Math.min(entries.size(), start + 500));
            for (int attempt = 1; !batch.isEmpty(); attempt++) {
                if (attempt > 20) {
                    throw new IllegalStateException("PutRecords keeps failing for stream " + stream);
                }
                List<PutRecordsRequestEntry> current = batch;
                PutRecordsResponse response;
                try {
                    response = client.putRecords(r -> r.streamName(stream).records(current)).get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("PutRecords to " + stream + " failed", e);
                }
                List<PutRecordsRequestEntry> failed = new ArrayList<>();
                for (int i = 0; i < current.size(); i++) {
                    PutRecordsResultEntry result = response.records().get(i);
                    if (result.errorCode() != null) {
                        // a refused entry and the later ones of its key must go again, in order: resend the rest
                        failed.addAll(current.subList(i, current.size()));
                        break;
                    }
                }
                batch = failed;
            }
        }
    }
}
