package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.ArrayList;
import java.util.List;

import io.smallrye.reactive.messaging.kinesis.KinesisSendResult;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * What one PutRecords answer decided ({@link AnswerHandler}), carried out by the {@link SendLoop} once every entry
 * is settled: results set, messages acked and nacked, metrics reported.
 */
final class Outcome {

    private final List<PendingRecord> succeeded = new ArrayList<>();
    private final List<PutRecordsResultEntry> results = new ArrayList<>();
    private final List<Integer> subSequences = new ArrayList<>();
    private final List<PendingRecord> failed = new ArrayList<>();
    private final List<Throwable> reasons = new ArrayList<>();
    private final List<String> codes = new ArrayList<>();
    int retried;
    /** Refusals for the shard's throughput limit (retried or not). */
    int throttled;
    String firstRetryCode;

    int succeededCount() {
        return succeeded.size();
    }

    long succeededBytes() {
        long bytes = 0;
        for (PendingRecord record : succeeded) {
            bytes += record.size;
        }
        return bytes;
    }

    int failedCount() {
        return failed.size();
    }

    void succeeded(PendingRecord record, PutRecordsResultEntry result, int subSequence) {
        succeeded.add(record);
        results.add(result);
        subSequences.add(subSequence);
    }

    void failed(PendingRecord record, Throwable reason, String errorCode) {
        failed.add(record);
        reasons.add(reason);
        codes.add(errorCode);
    }

    void retried(String code) {
        if (retried++ == 0) {
            firstRetryCode = code;
        }
    }

    void complete(SendFailures failures) {
        for (int i = 0; i < succeeded.size(); i++) {
            PendingRecord record = succeeded.get(i);
            PutRecordsResultEntry result = results.get(i);
            if (record.resultMetadata != null) {
                record.resultMetadata.setResult(new KinesisSendResult(record.stream, result.shardId(),
                        result.sequenceNumber(), subSequences.get(i)));
            }
            record.ack();
        }
        for (int i = 0; i < failed.size(); i++) {
            PendingRecord record = failed.get(i);
            failures.nacked(record.stream, codes.get(i), reasons.get(i).getMessage());
            record.nack(reasons.get(i), codes.get(i));
        }
    }

    /** Reports the answer to the channel's metrics; metrics never break sending. */
    void report(KinesisMetrics metrics, String channel, String stream, int entries, long latencyNanos,
            boolean requestFailed) {
        try {
            metrics.putRecordsAnswered(channel, stream, entries, latencyNanos, requestFailed);
            if (succeededCount() > 0) {
                metrics.recordsSent(channel, stream, succeededCount(), succeededBytes());
            }
            if (retried > 0 || throttled > 0) {
                metrics.recordsRetried(channel, stream, retried, throttled);
            }
            if (failedCount() > 0) {
                metrics.recordsFailed(channel, stream, failedCount());
            }
        } catch (RuntimeException e) {
            // metrics never break sending
        }
    }
}
