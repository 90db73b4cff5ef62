package io.smallrye.reactive.messaging.kinesis.incoming;

import java.io.IOException;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;

/**
 * Sorts the failures of ListShards, GetShardIterator and GetRecords: an expired iterator (get a new one), failures
 * worth retrying after a backoff (throttling, server errors, network trouble), and the rest, which stop the channel.
 */
final class ReadFailures {

    enum Kind {
        EXPIRED_ITERATOR,
        THROTTLED,
        TRANSIENT,
        FATAL
    }

    private ReadFailures() {
    }

    static Throwable unwrap(Throwable failure) {
        return AwsErrors.unwrap(failure);
    }

    static Kind classify(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ExpiredIteratorException) {
            return Kind.EXPIRED_ITERATOR;
        }
        if (cause instanceof ProvisionedThroughputExceededException || cause instanceof LimitExceededException
                || cause instanceof KmsThrottlingException) {
            return Kind.THROTTLED;
        }
        if (cause instanceof AwsServiceException service) {
            if (service.isThrottlingException()) {
                return Kind.THROTTLED;
            }
            // ResourceInUse: the stream is being updated (e.g. resharding); 5xx: InternalFailure, ServiceUnavailable
            return cause instanceof ResourceInUseException || service.statusCode() >= 500 ? Kind.TRANSIENT : Kind.FATAL;
        }
        return cause instanceof SdkClientException || cause instanceof IOException ? Kind.TRANSIENT : Kind.FATAL;
    }

    static String errorCode(Throwable failure) {
        return AwsErrors.errorCode(failure);
    }

    static String errorMessage(Throwable failure) {
        return AwsErrors.errorMessage(failure);
    }
}
