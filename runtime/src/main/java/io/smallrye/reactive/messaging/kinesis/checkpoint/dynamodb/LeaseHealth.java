package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.List;

import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseLogging;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Whether the lease table answers, for health: the last failure until a call succeeds again. Logs the first failure
 * and the recovery, not every failed call.
 */
final class LeaseHealth {

    private final LeaseSettings settings;
    private volatile String problem;

    LeaseHealth(LeaseSettings settings) {
        this.settings = settings;
    }

    void failed(String operation, Throwable failure) {
        Throwable cause = LeaseTable.unwrap(failure);
        String reason = cause instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                ? aws.awsErrorDetails().errorCode() + ": " + aws.awsErrorDetails().errorMessage()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        boolean first = problem == null;
        problem = "lease table '" + settings.tableName() + "' failed to " + operation + " (" + reason + ")";
        if (first) {
            KinesisLeaseLogging.log.tableFailed(settings.channel(), settings.tableName(), operation, reason, cause);
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
