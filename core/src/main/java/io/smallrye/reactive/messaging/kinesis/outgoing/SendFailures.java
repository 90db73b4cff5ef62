package io.smallrye.reactive.messaging.kinesis.outgoing;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.client.RepeatedFailures;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;

/**
 * The log lines of the sending side's failures, classified by {@link AwsErrors} (the one classifier; nothing is
 * decided here): one line per failed request and per nacked message, rate-limited per stream (and error code) with
 * {@link RepeatedFailures}, stack traces at DEBUG only.
 */
final class SendFailures {

    private final String channel;
    private final RepeatedFailures requests;
    private final RepeatedFailures nacks;

    SendFailures(String channel, RepeatedFailures requests, RepeatedFailures nacks) {
        this.channel = channel;
        this.requests = requests;
        this.nacks = nacks;
    }

    SendFailures(String channel) {
        this(channel, new RepeatedFailures(), new RepeatedFailures());
    }

    /** A whole PutRecords request failed: one WARN line (or a count later), the stack at DEBUG. */
    void requestFailed(String stream, int records, Throwable cause, FailureKind kind) {
        KinesisLogging.log.requestFailedTrace(channel, stream, cause);
        long unlogged = requests.admit(stream);
        if (unlogged >= 0) {
            KinesisLogging.log.requestFailed(channel, stream, records, AwsErrors.summary(cause),
                    kind.retryable() ? "retried within max-retries" : "not retried: " + kind.name().toLowerCase(),
                    unlogged);
        }
    }

    /** A message is nacked: one ERROR line per stream and error code, then a count at most every 30 s. */
    void nacked(String stream, String errorCode, String reason) {
        long unlogged = nacks.admit(stream + '\n' + errorCode);
        if (unlogged >= 0) {
            KinesisLogging.log.recordNotWritten(channel, stream, reason, unlogged, errorCode);
        }
    }

    /** A request to the stream succeeded: its next failure is logged at once. */
    void succeeded(String stream) {
        requests.succeeded(stream);
    }
}
