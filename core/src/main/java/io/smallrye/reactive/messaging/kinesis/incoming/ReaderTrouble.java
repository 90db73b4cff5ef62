package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Instant;
import java.util.Locale;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;

/**
 * What one shard's reader tells the log and health about its failed calls: one line per run of failures
 * ({@link CallFailures}), a problem for readiness after {@link #PROBLEM_THRESHOLD} failures in a row (at once when the
 * shard or its stream is not found), and whether Kinesis says the shard does not exist. Channel context only: health
 * reads the problem through the channel's {@link ChannelStatus}, told of each change.
 */
final class ReaderTrouble {

    static final int PROBLEM_THRESHOLD = 3;

    private final String channel;
    private final String stream;
    private final String shardId;
    private final String target;
    private final CallFailures failures;
    private final Runnable changed;
    private String problem;
    private boolean missing;
    private Instant failingSince;

    /** @param changed runs when the problem changed */
    ReaderTrouble(String channel, String stream, String shardId, Runnable changed) {
        this.channel = channel;
        this.stream = stream;
        this.shardId = shardId;
        this.target = "on shard " + shardId;
        this.failures = new CallFailures(channel);
        this.changed = changed;
    }

    /** A description of the failures in a row, when reading is not going well; null otherwise. */
    String problem() {
        return problem;
    }

    /** Whether Kinesis answered the last call that the shard or its stream does not exist. */
    boolean missing() {
        return missing;
    }

    /** A throttled call: normal under load, logged at DEBUG; health hears of it after the threshold. */
    void throttled(String operation, Throwable failure, int inARow, long waitMs) {
        started();
        note(operation, failure, inARow, false);
        KinesisIncomingLogging.log.readThrottled(channel, shardId, operation, AwsErrors.errorCode(failure), waitMs);
    }

    /** A transient or not-found failure, retried after {@code waitMs}. */
    void failed(String operation, Throwable failure, FailureKind kind, int inARow, long waitMs) {
        started();
        missing = kind == FailureKind.NOT_FOUND;
        note(operation, failure, inARow, missing);
        failures.failed(operation, target, failure, summary -> KinesisIncomingLogging.log
                .readFailedRetrying(channel, operation, shardId, stream, inARow, waitMs, summary));
    }

    /** A call worked: problems and failure runs end. */
    void succeeded(String operation) {
        boolean hadProblem = problem != null || missing;
        problem = null;
        missing = false;
        failingSince = null;
        failures.succeeded(operation, target);
        if (hadProblem) {
            changed.run();
        }
    }

    /** Logs a lost position, once, with the strategy and what it means. */
    void positionLost(String position, Throwable failure, LostPositionStrategy strategy) {
        KinesisIncomingLogging.log.positionLost(channel, position, shardId, stream, AwsErrors.summary(failure),
                strategy.name().toLowerCase(Locale.ROOT), strategy.meaning());
    }

    private void started() {
        if (failingSince == null) {
            failingSince = Instant.now();
        }
    }

    private void note(String operation, Throwable failure, int inARow, boolean atOnce) {
        if (atOnce || inARow >= PROBLEM_THRESHOLD) {
            problem = operation + " on shard " + shardId + " of stream '" + stream + "' failed " + inARow
                    + " time(s) in a row since " + failingSince + ": " + AwsErrors.summary(failure) + "; retrying";
            changed.run();
        }
    }

    /**
     * Whether a failed GetShardIterator after a sequence number says that the position no longer exists: not found
     * ("Record for provided SequenceNumber not found" on kinesis-mock), or an invalid starting sequence number (real
     * Kinesis: one that did not come from this stream, or is past the trim horizon).
     */
    static boolean positionLost(Throwable failure) {
        FailureKind kind = AwsErrors.classify(failure);
        String message = AwsErrors.errorMessage(failure).toLowerCase(Locale.ROOT);
        boolean aboutSequenceNumber = message.contains("sequencenumber") || message.contains("sequence number");
        return aboutSequenceNumber
                && (kind == FailureKind.NOT_FOUND || "InvalidArgumentException".equals(AwsErrors.errorCode(failure)));
    }
}
