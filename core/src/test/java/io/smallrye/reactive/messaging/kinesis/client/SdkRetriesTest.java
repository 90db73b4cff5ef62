package io.smallrye.reactive.messaging.kinesis.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** Whether a client retries failed calls itself is told from its configuration, and the connector's make one attempt. */
class SdkRetriesTest {

    private static final URI NOWHERE = URI.create("http://127.0.0.1:9");

    @Test
    void clientsTheConnectorBuildsMakeOneAttemptPerCall() {
        try (KinesisAsyncClient kinesis = SdkRetries.off(KinesisAsyncClient.builder()).region(Region.US_EAST_1)
                .endpointOverride(NOWHERE).credentialsProvider(AnonymousCredentialsProvider.create()).build();
                DynamoDbAsyncClient dynamoDb = SdkRetries.off(DynamoDbAsyncClient.builder()).region(Region.US_EAST_1)
                        .endpointOverride(NOWHERE).credentialsProvider(AnonymousCredentialsProvider.create())
                        .build()) {
            assertThat(SdkRetries.attempts(kinesis)).contains(1);
            assertThat(SdkRetries.attempts(dynamoDb)).contains(1);
        }
    }

    @Test
    void aClientWithTheSdkDefaultsIsSeenToRetry() {
        try (KinesisAsyncClient kinesis = KinesisAsyncClient.builder().region(Region.US_EAST_1)
                .endpointOverride(NOWHERE).credentialsProvider(AnonymousCredentialsProvider.create()).build();
                DynamoDbAsyncClient dynamoDb = DynamoDbAsyncClient.builder().region(Region.US_EAST_1)
                        .endpointOverride(NOWHERE).credentialsProvider(AnonymousCredentialsProvider.create())
                        .build()) {
            System.out.printf("SDK default attempts per call: Kinesis %s, DynamoDB %s%n", SdkRetries.attempts(kinesis),
                    SdkRetries.attempts(dynamoDb));
            assertThat(SdkRetries.attempts(kinesis)).hasValueSatisfying(attempts -> assertThat(attempts).isGreaterThan(1));
            assertThat(SdkRetries.attempts(dynamoDb)).hasValueSatisfying(attempts -> assertThat(attempts).isGreaterThan(1));
        }
    }
}
