package io.smallrye.reactive.messaging.kinesis.client;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Reads what went wrong in an SDK call, for the reading and the writing side alike, and classifies it
 * ({@link FailureKind}). The table, also in the docs (retries and errors):
 * <ul>
 * <li>throttled: ProvisionedThroughputExceededException, LimitExceededException, KMSThrottlingException,
 * ThrottlingException and any error the SDK reports as throttling (HTTP 429);</li>
 * <li>transient: InternalFailure, ServiceUnavailable and other HTTP 5xx answers, ResourceInUseException,
 * ExpiredTokenException (credentials are refreshed), every failure without an answer (connection refused or reset,
 * timeouts: SdkClientException, IOException);</li>
 * <li>not found: ResourceNotFoundException;</li>
 * <li>expired iterator: ExpiredIteratorException;</li>
 * <li>permanent: every other error answer (InvalidArgumentException, ValidationException, AccessDeniedException,
 * KMSAccessDeniedException, KMSDisabledException, KMSInvalidStateException, KMSNotFoundException, KMSOptInRequired,
 * UnrecognizedClientException, ...), and PutRecords entry error codes other than the documented retryable ones.</li>
 * </ul>
 */
public final class AwsErrors {

    /** The PutRecords entry error codes worth sending again: those Kinesis documents as temporary. */
    private static final Set<String> THROTTLING_CODES = Set.of("ProvisionedThroughputExceededException",
            "LimitExceededException", "KMSThrottlingException", "ThrottlingException", "Throttling",
            "TooManyRequestsException", "RequestLimitExceeded");
    private static final Set<String> TRANSIENT_CODES = Set.of("InternalFailure", "InternalFailureException",
            "InternalServerError", "ServiceUnavailable", "ServiceUnavailableException", "ResourceInUseException",
            "ExpiredTokenException", "RequestTimeout", "RequestTimeoutException");

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

    /** What a failed call means: see the table of this class. */
    public static FailureKind classify(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof AwsServiceException service) {
            String code = errorCode(service);
            if ("ExpiredIteratorException".equals(code)) {
                return FailureKind.EXPIRED_ITERATOR;
            }
            if ("ResourceNotFoundException".equals(code)) {
                return FailureKind.NOT_FOUND;
            }
            if (service.isThrottlingException() || THROTTLING_CODES.contains(code)) {
                return FailureKind.THROTTLED;
            }
            return TRANSIENT_CODES.contains(code) || service.statusCode() >= 500 ? FailureKind.TRANSIENT
                    : FailureKind.PERMANENT;
        }
        return cause instanceof SdkClientException || cause instanceof IOException ? FailureKind.TRANSIENT
                : FailureKind.PERMANENT;
    }

    /** What the error code of one refused PutRecords entry means: see the table of this class. */
    public static FailureKind classifyEntry(String errorCode) {
        if (THROTTLING_CODES.contains(errorCode)) {
            return FailureKind.THROTTLED;
        }
        if ("ResourceNotFoundException".equals(errorCode)) {
            return FailureKind.NOT_FOUND;
        }
        return TRANSIENT_CODES.contains(errorCode) ? FailureKind.TRANSIENT : FailureKind.PERMANENT;
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

    /**
     * A failure on one line, for logs and health: the error code and message, then each distinct cause's class and
     * message ("SdkClientException: Unable to execute HTTP request: Connection refused; caused by
     * ConnectException: Connection refused"). At most 5 causes; the stack trace is for DEBUG.
     */
    public static String summary(Throwable failure) {
        Throwable cause = unwrap(failure);
        StringBuilder text = new StringBuilder(errorCode(cause)).append(": ").append(errorMessage(cause));
        Throwable next = cause.getCause();
        for (int depth = 0; next != null && next != cause && depth < 5; depth++) {
            String message = next.getMessage();
            if (message == null || !text.toString().contains(message)) {
                text.append("; caused by ").append(next.getClass().getSimpleName());
                if (message != null) {
                    text.append(": ").append(message);
                }
            }
            cause = next;
            next = next.getCause();
        }
        return text.toString().replace('\n', ' ').replace('\r', ' ');
    }
}
