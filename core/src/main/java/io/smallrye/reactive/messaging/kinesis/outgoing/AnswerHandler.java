package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import io.smallrye.reactive.messaging.kinesis.KinesisWriteException;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.Backoff;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import io.smallrye.reactive.messaging.kinesis.tracing.OutgoingTracing;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Reads one PutRecords answer entry by entry, on the channel's context. A stored record is released for its ack; a
 * refused one (alone, or with its whole request) waits again for a {@link Backoff} while its failure kind (from
 * {@link AwsErrors}, the one classifier) is retryable and max-retries allows, otherwise it is released for its nack
 * with the AWS code and message. What it decides is collected in an {@link Outcome}, carried out by the send loop.
 */
final class AnswerHandler {

    private final OutgoingSettings settings;
    private final String region;
    private final PendingRecords waiting;
    private final ShardMaps shardMaps;
    private final SendFailures failures;
    private final Backoff backoff;
    private final Consumer<PendingRecord> release;
    /** Why the stream cannot be written to, as last seen: read by health checks on other threads. */
    private volatile String streamProblem;

    AnswerHandler(OutgoingSettings settings, String region, PendingRecords waiting, ShardMaps shardMaps,
            SendFailures failures, Consumer<PendingRecord> release) {
        this.settings = settings;
        this.region = region;
        this.waiting = waiting;
        this.shardMaps = shardMaps;
        this.failures = failures;
        this.backoff = new Backoff(settings.retryBackoff(), settings.maxRetryBackoff());
        this.release = release;
    }

    /** Why the stream cannot be written to, as last seen, or {@code null} while writes succeed. Any thread. */
    String streamProblem() {
        return streamProblem;
    }

    /**
     * Settles every record of an answered batch: released (to be acked or nacked) or back among the waiting records.
     *
     * @param failure the failure of the whole request, or {@code null} when {@code response} tells entry by entry
     */
    Outcome settle(List<RequestEntry> batch, PutRecordsResponse response, Throwable failure, long nowNanos) {
        Outcome outcome = new Outcome();
        String stream = batch.get(0).records().get(0).stream;
        // one draw per answer: records refused together wait the same backoff (per attempt count) and go back
        // together in one request, instead of each drawing its own delay and leaving in a request of its own
        double jitter = ThreadLocalRandom.current().nextDouble();
        Throwable cause = failure == null ? null : AwsErrors.unwrap(failure);
        FailureKind requestKind = cause == null ? null : AwsErrors.classify(cause);
        String notFound = null;
        if (cause != null) {
            failures.requestFailed(stream, batch.size(), cause, requestKind);
            if (requestKind == FailureKind.NOT_FOUND) {
                notFound = AwsErrors.errorMessage(cause);
            }
        } else {
            failures.succeeded(stream);
        }
        for (int i = 0; i < batch.size(); i++) {
            RequestEntry entry = batch.get(i);
            PutRecordsResultEntry result = cause == null ? response.records().get(i) : null;
            boolean stored = result != null && result.errorCode() == null;
            if (stored && entry.predictedShard() != null && !entry.predictedShard().equals(result.shardId())) {
                shardMaps.invalidate(stream); // the stream was resharded
            }
            List<PendingRecord> records = entry.records();
            for (int sub = 0; sub < records.size(); sub++) {
                PendingRecord record = records.get(sub);
                waiting.landed(record);
                if (stored) {
                    release.accept(record);
                    outcome.succeeded(record, result, entry.aggregated() ? sub : 0);
                    OutgoingTracing.stored(record.span, result.shardId(), result.sequenceNumber(), sub,
                            entry.aggregated() ? records.size() : 0, batch.size(), record.attempts + 1);
                } else if (cause != null) {
                    refused(record, cause, AwsErrors.errorCode(cause), AwsErrors.errorMessage(cause), requestKind,
                            nowNanos, jitter, outcome);
                } else {
                    FailureKind kind = AwsErrors.classifyEntry(result.errorCode());
                    if (kind == FailureKind.NOT_FOUND) {
                        notFound = result.errorMessage();
                    }
                    refused(record, null, result.errorCode(), result.errorMessage(), kind, nowNanos, jitter, outcome);
                }
            }
        }
        if (notFound != null) {
            streamProblem = KinesisExceptions.ex.streamNotFound(stream, region, notFound).getMessage()
                    + "; retrying up to max-retries (" + settings.maxRetries() + ") times per record";
        } else if (cause == null) {
            streamProblem = null;
        }
        if (outcome.retried > 0 && cause == null) {
            KinesisLogging.log.retryingFailedEntries(settings.channel(), outcome.retried, stream,
                    outcome.firstRetryCode);
        }
        return outcome;
    }

    /**
     * A record was refused: it waits again for its backoff while its failure kind is retryable and max-retries
     * allows, otherwise it is released and nacked with the AWS code and message. A PERMANENT refusal is nacked after
     * its first attempt, and its key's later records are no longer held back by it.
     */
    private void refused(PendingRecord record, Throwable cause, String code, String message, FailureKind kind,
            long nowNanos, double jitter, Outcome outcome) {
        if (kind == FailureKind.THROTTLED) {
            outcome.throttled++;
        }
        if (kind.retryable() && record.attempts < settings.maxRetries()) {
            record.attempts++;
            record.notBeforeNanos = nowNanos + backoff.nanos(record.attempts, jitter);
            waiting.add(record);
            outcome.retried(code);
            return;
        }
        release.accept(record);
        int attempts = record.attempts + 1;
        String text = kind == FailureKind.NOT_FOUND
                ? KinesisExceptions.ex.streamNotFoundAfterRetries(record.stream, region, attempts, settings.channel(),
                        message)
                : KinesisExceptions.ex.recordFailed(record.stream, attempts, code, message);
        outcome.failed(record, new KinesisWriteException(text, code, attempts, cause), code);
    }
}
