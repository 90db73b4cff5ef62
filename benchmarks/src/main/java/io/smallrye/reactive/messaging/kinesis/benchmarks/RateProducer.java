package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Writes 100-byte records at a fixed rate with plain SDK PutRecord calls (random partition keys, so every shard gets
 * its share), each carrying its send time for a {@link LatencyRecorder}. The load of the latency comparison: the
 * same for every consumer. With a batch interval, the records of each interval go in one PutRecords call instead,
 * all stamped just before it (kinesis-mock starves under one request per record on a busy machine).
 */
final class RateProducer implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "rate-producer");
        thread.setDaemon(true);
        return thread;
    });
    final LongAdder failed = new LongAdder();

    RateProducer(KinesisAsyncClient client, String stream, int recordsPerSecond, LatencyRecorder recorder) {
        this(client, stream, recordsPerSecond, 0, recorder);
    }

    /** @param batchMillis 0: one PutRecord per record; else one PutRecords per interval of that many ms */
    RateProducer(KinesisAsyncClient client, String stream, int recordsPerSecond, long batchMillis,
            LatencyRecorder recorder) {
        if (batchMillis > 0) {
            int perBatch = (int) Math.max(1, recordsPerSecond * batchMillis / 1000);
            timer.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                List<PutRecordsRequestEntry> entries = new ArrayList<>(perBatch);
                for (int i = 0; i < perBatch; i++) {
                    recorder.sent(now);
                    entries.add(PutRecordsRequestEntry.builder().partitionKey(EndToEnd.randomKey())
                            .data(SdkBytes.fromByteArrayUnsafe(LatencyRecorder.payload(now, EndToEnd.RECORD_BYTES)))
                            .build());
                }
                client.putRecords(request -> request.streamName(stream).records(entries))
                        .whenComplete((response, failure) -> {
                            if (failure != null) {
                                failed.add(perBatch);
                            } else if (response.failedRecordCount() != null) {
                                failed.add(response.failedRecordCount());
                            }
                        });
            }, 0, batchMillis, TimeUnit.MILLISECONDS);
            return;
        }
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / recordsPerSecond;
        timer.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            recorder.sent(now);
            client.putRecord(request -> request.streamName(stream).partitionKey(EndToEnd.randomKey())
                    .data(SdkBytes.fromByteArrayUnsafe(LatencyRecorder.payload(now, EndToEnd.RECORD_BYTES))))
                    .whenComplete((response, failure) -> {
                        if (failure != null) {
                            failed.increment();
                        }
                    });
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
