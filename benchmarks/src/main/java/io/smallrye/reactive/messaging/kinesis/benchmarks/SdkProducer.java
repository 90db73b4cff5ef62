package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

import io.quarkiverse.messaging.kinesis.benchmark.app.Payload;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * A plain SDK loop: PutRecords of 500 records (each with data of its own, as the benchmark application sends),
 * {@value #IN_FLIGHT} requests in flight, no retries.
 */
final class SdkProducer {

    static final int IN_FLIGHT = 5;
    private static final int PER_REQUEST = 500;

    private SdkProducer() {
    }

    static String send(KinesisAsyncClient client, String stream, int records, int keys, Runnable afterLastAck)
            throws InterruptedException {
        LongAdder acked = new LongAdder();
        LongAdder failed = new LongAdder();
        String[] firstFailure = new String[1];
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        long start = System.nanoTime();
        for (int i = 0; i < records;) {
            inFlight.acquire();
            List<PutRecordsRequestEntry> entries = new ArrayList<>(PER_REQUEST);
            for (int n = 0; n < PER_REQUEST && i < records; n++, i++) {
                String key = keys > 0 ? "k" + (i % keys) : EndToEnd.randomKey();
                // a record of its own, as the benchmark application sends (its send time, then filler)
                SdkBytes data = SdkBytes.fromByteArrayUnsafe(Payload.create(Payload.nowMicros(), false));
                entries.add(PutRecordsRequestEntry.builder().partitionKey(key).data(data).build());
            }
            int size = entries.size();
            client.putRecords(PutRecordsRequest.builder().streamName(stream).records(entries).build())
                    .whenComplete((response, failure) -> {
                        if (failure != null) {
                            firstFailure[0] = String.valueOf(failure).replace(' ', '_');
                            failed.add(size);
                        } else {
                            for (PutRecordsResultEntry entry : response.records()) {
                                (entry.errorCode() == null ? acked : failed).increment();
                            }
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(IN_FLIGHT);
        afterLastAck.run();
        return String.format(Locale.ROOT, "sent=%d acked=%d nacked=%d seconds=%.3f failure=%s", records, acked.sum(),
                failed.sum(), (System.nanoTime() - start) / 1e9, firstFailure[0]);
    }
}
