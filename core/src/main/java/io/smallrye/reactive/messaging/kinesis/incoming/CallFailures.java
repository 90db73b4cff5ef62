package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.RepeatedFailures;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;

/**
 * The failures in a row of one kind of call of a channel (an operation on a target: GetRecords on a shard, ListShards
 * of the stream, a checkpoint save of a shard), logged so that an outage does not flood the log: the first failure
 * as one line (the caller's WARN message, with {@link AwsErrors#summary(Throwable)}), then a count every
 * {@link RepeatedFailures#DEFAULT_INTERVAL} while they go on, and one line when the call works again. The stack trace
 * of each failure goes to DEBUG. Used on the channel context only (the {@link Checkpointer}'s too: the checkpoint
 * store's answers hop onto the context first), so it needs no locks.
 */
final class CallFailures {

    private record Run(int failures, Instant since, long startNanos) {
    }

    private final String channel;
    private final RepeatedFailures repeated;
    private final Map<String, Run> runs = new HashMap<>();

    CallFailures(String channel) {
        this(channel, new RepeatedFailures());
    }

    CallFailures(String channel, RepeatedFailures repeated) {
        this.channel = channel;
        this.repeated = repeated;
    }

    /**
     * A call failed.
     *
     * @param firstLine logs the first failure of a run, given the failure's summary
     * @return the failures in a row of this kind, this one included
     */
    int failed(String operation, String target, Throwable failure, Consumer<String> firstLine) {
        KinesisIncomingLogging.log.callFailedDetail(channel, operation, target, AwsErrors.unwrap(failure));
        String key = operation + " " + target;
        Run run = runs.compute(key, (ignored, current) -> current == null
                ? new Run(1, Instant.now(), System.nanoTime())
                : new Run(current.failures() + 1, current.since(), current.startNanos()));
        long unreported = repeated.admit(key);
        if (run.failures() == 1) {
            firstLine.accept(AwsErrors.summary(failure));
        } else if (unreported >= 0) {
            KinesisIncomingLogging.log.callStillFailing(channel, operation, target, unreported + 1,
                    (System.nanoTime() - run.startNanos()) / 1_000_000_000L, AwsErrors.summary(failure));
        }
        return run.failures();
    }

    /** The call worked: the next failure is logged at once; a recovery after failures is logged. */
    void succeeded(String operation, String target) {
        String key = operation + " " + target;
        Run run = runs.remove(key);
        if (run != null) {
            repeated.succeeded(key);
            KinesisIncomingLogging.log.callWorksAgain(channel, operation, target, run.failures());
        }
    }

    /** When the failures in a row of this kind began; null when the last call worked. */
    Instant failingSince(String operation, String target) {
        Run run = runs.get(operation + " " + target);
        return run == null ? null : run.since();
    }
}
