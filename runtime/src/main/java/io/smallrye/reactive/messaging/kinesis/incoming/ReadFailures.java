package io.smallrye.reactive.messaging.kinesis.incoming;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

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
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
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

    /** The AWS error code, or the exception's simple name. */
    static String errorCode(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return service.awsErrorDetails().errorCode();
        }
        return cause.getClass().getSimpleName();
    }

    /** The AWS error message, or the exception's message. */
    static String errorMessage(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorMessage() != null) {
            return service.awsErrorDetails().errorMessage();
        }
        return String.valueOf(cause.getMessage());
    }
}
