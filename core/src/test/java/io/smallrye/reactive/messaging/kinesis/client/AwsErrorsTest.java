package io.smallrye.reactive.messaging.kinesis.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class AwsErrorsTest {

    private static KinesisException answer(String code, int status) {
        return (KinesisException) KinesisException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " message").build())
                .build();
    }

    @Test
    void throttlingAnswersAreThrottled() {
        assertThat(AwsErrors.classify(ProvisionedThroughputExceededException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
                .build())).isEqualTo(FailureKind.THROTTLED);
        assertThat(AwsErrors.classify(answer("LimitExceededException", 400))).isEqualTo(FailureKind.THROTTLED);
        assertThat(AwsErrors.classify(answer("SomethingNew", 429))).isEqualTo(FailureKind.THROTTLED);
    }

    @Test
    void serverErrorsAndNetworkTroubleAreTransient() {
        assertThat(AwsErrors.classify(answer("InternalFailure", 500))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(AwsErrors.classify(answer("ServiceUnavailable", 503))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(AwsErrors.classify(ResourceInUseException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceInUseException").build()).build()))
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(AwsErrors.classify(new CompletionException(SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused"))))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(AwsErrors.classify(new IOException("reset"))).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void missingStreamIsNotFoundAndExpiredIteratorIsItsOwnKind() {
        assertThat(AwsErrors.classify(ResourceNotFoundException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build()).build()))
                .isEqualTo(FailureKind.NOT_FOUND);
        assertThat(AwsErrors.classify(ExpiredIteratorException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ExpiredIteratorException").build()).build()))
                .isEqualTo(FailureKind.EXPIRED_ITERATOR);
    }

    @Test
    void errorsThatRetryingCannotFixArePermanent() {
        assertThat(AwsErrors.classify(InvalidArgumentException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidArgumentException").build()).build()))
                .isEqualTo(FailureKind.PERMANENT);
        assertThat(AwsErrors.classify(answer("AccessDeniedException", 400))).isEqualTo(FailureKind.PERMANENT);
        assertThat(AwsErrors.classify(answer("KMSDisabledException", 400))).isEqualTo(FailureKind.PERMANENT);
        assertThat(AwsErrors.classify(new IllegalStateException("bug"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureKind.PERMANENT.retryable()).isFalse();
    }

    @Test
    void entryErrorCodesOutsideTheDocumentedOnesArePermanent() {
        assertThat(AwsErrors.classifyEntry("ProvisionedThroughputExceededException")).isEqualTo(FailureKind.THROTTLED);
        assertThat(AwsErrors.classifyEntry("KMSThrottlingException")).isEqualTo(FailureKind.THROTTLED);
        assertThat(AwsErrors.classifyEntry("InternalFailure")).isEqualTo(FailureKind.TRANSIENT);
        assertThat(AwsErrors.classifyEntry("InvalidArgumentException")).isEqualTo(FailureKind.PERMANENT);
        assertThat(AwsErrors.classifyEntry("KMSAccessDeniedException")).isEqualTo(FailureKind.PERMANENT);
        assertThat(AwsErrors.classifyEntry("NeverHeardOfIt")).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void summaryIsOneLineWithTheCauseChain() {
        String summary = AwsErrors.summary(new CompletionException(SdkClientException.create(
                "Unable to execute HTTP request: Connection refused\nsecond line",
                new IOException("wrapped", new ConnectException("Connection refused")))));
        assertThat(summary).doesNotContain("\n")
                .startsWith("SdkClientException: Unable to execute HTTP request: Connection refused")
                .contains("caused by IOException: wrapped")
                .doesNotContain("ConnectException"); // its message is already in the line
    }
}
