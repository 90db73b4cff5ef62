package io.smallrye.reactive.messaging.kinesis.client;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Reads what went wrong in an SDK call, for the reading and the writing side alike.
 */
public final class AwsErrors {

    private AwsErrors() {
    }

    /** The failure itself, without the CompletionException / ExecutionException layers of the async client. */
    public static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** The AWS error code (e.g. ProvisionedThroughputExceededException), or the exception's simple name. */
    public static String errorCode(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return service.awsErrorDetails().errorCode();
        }
        return cause.getClass().getSimpleName();
    }

    /** The AWS error message, or the exception's message. */
    public static String errorMessage(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorMessage() != null) {
            return service.awsErrorDetails().errorMessage();
        }
        return String.valueOf(cause.getMessage());
    }
}
