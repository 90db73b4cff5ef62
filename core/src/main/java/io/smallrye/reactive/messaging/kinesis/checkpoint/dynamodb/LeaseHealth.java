package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.List;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseLogging;

/**
 * Whether the lease table answers, for health: the last failure until a call succeeds again. Logs the first failure
 * and the recovery, not every failed call. Written on the coordinator's context; {@link #problems()} is read from any
 * thread (health), hence the volatile field.
 */
final class LeaseHealth {

    private final LeaseSettings settings;
    private volatile String problem;

    LeaseHealth(LeaseSettings settings) {
        this.settings = settings;
    }

    void failed(String operation, Throwable failure) {
        Throwable cause = AwsErrors.unwrap(failure);
        String reason = AwsErrors.summary(cause);
        boolean first = problem == null;
        problem = "lease table '" + settings.tableName() + "' failed to " + operation + " (" + reason + ")";
        KinesisIncomingLogging.log.callFailedDetail(settings.channel(), operation, "in lease table '"
                + settings.tableName() + "'", cause);
        if (first) {
            KinesisLeaseLogging.log.tableFailed(settings.channel(), settings.tableName(), operation, reason);
        }
    }

    void worked() {
        if (problem != null) {
            problem = null;
            KinesisLeaseLogging.log.tableBack(settings.channel(), settings.tableName());
        }
    }

    List<String> problems() {
        String current = problem;
        return current == null ? List.of() : List.of(current);
    }
}
