package io.smallrye.reactive.messaging.kinesis.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/** The dead-letter write retries what the connector's one classifier says can heal, and nothing else. */
class KinesisDeadLetterStreamTest {

    private static AwsServiceException error(String code, int status) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    @Test
    void throttlingTransientAndNotFoundFailuresAreRetried() {
        assertThat(KinesisDeadLetterStream.retryable(ProvisionedThroughputExceededException.builder().build())).isTrue();
        assertThat(KinesisDeadLetterStream.retryable(new CompletionException(
                SdkClientException.create("Unable to execute HTTP request: Connection refused")))).isTrue();
        assertThat(KinesisDeadLetterStream.retryable(error("InternalFailure", 500))).isTrue();
        assertThat(KinesisDeadLetterStream.retryable(error("KMSThrottlingException", 400))).isTrue();
        // a dead-letter stream being recreated: retried within the attempts
        assertThat(KinesisDeadLetterStream.retryable(ResourceNotFoundException.builder().build())).isTrue();
    }

    @Test
    void failuresRetryingCannotFixAreNotRetried() {
        assertThat(KinesisDeadLetterStream.retryable(InvalidArgumentException.builder().message("too big").build()))
                .isFalse();
        assertThat(KinesisDeadLetterStream.retryable(error("AccessDeniedException", 400))).isFalse();
        assertThat(KinesisDeadLetterStream.retryable(error("KMSAccessDeniedException", 400))).isFalse();
        assertThat(KinesisDeadLetterStream.retryable(new IllegalStateException("bug"))).isFalse();
    }
}
