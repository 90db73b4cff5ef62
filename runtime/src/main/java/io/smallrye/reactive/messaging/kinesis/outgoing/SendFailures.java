package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.io.IOException;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * Sorts what Kinesis answered into "try again" and "give up", for whole requests and for single entries.
 */
final class SendFailures {

    private SendFailures() {
    }

    static Throwable unwrap(Throwable failure) {
        return AwsErrors.unwrap(failure);
    }

    static boolean isStreamNotFound(Throwable failure) {
        return failure instanceof ResourceNotFoundException;
    }

    /** Whether a failed PutRecords request is worth sending again: throttling, server errors, network trouble. */
    static boolean isRetryableRequestFailure(Throwable failure) {
        if (failure instanceof ProvisionedThroughputExceededException || failure instanceof LimitExceededException
                || failure instanceof KmsThrottlingException || failure instanceof ResourceInUseException) {
            return true;
        }
        if (failure instanceof AwsServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500;
        }
        return failure instanceof SdkClientException || failure instanceof IOException;
    }

    static String errorCode(Throwable failure) {
        return AwsErrors.errorCode(failure);
    }

    static String errorMessage(Throwable failure) {
        return AwsErrors.errorMessage(failure);
    }

    /**
     * Whether a refused PutRecords entry is worth sending again. Kinesis reports
     * {@code ProvisionedThroughputExceededException} and {@code InternalFailure} per entry; KMS errors other than
     * throttling (key disabled, access denied, ...) will not heal by retrying.
     */
    static boolean isRetryableEntryError(String errorCode) {
        return !errorCode.startsWith("KMS") || errorCode.equals("KMSThrottlingException");
    }

    /** Whether an error code (of an entry or a request) means throttling, for the throttles metric. */
    static boolean isThrottling(String errorCode) {
        return errorCode != null && (errorCode.equals("ProvisionedThroughputExceededException")
                || errorCode.equals("LimitExceededException") || errorCode.contains("Throttling"));
    }
}
