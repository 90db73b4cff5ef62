package io.smallrye.reactive.messaging.kinesis.client;

import java.util.Optional;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The connector's one retry layer, on the SDK side: the Kinesis and DynamoDB clients the connector builds make one
 * attempt per call, because the connector retries every call path itself (classified by {@link AwsErrors}, spaced by
 * {@link Backoff}); SDK retries on top would multiply attempts and spend a shard's 5 GetRecords calls per second.
 * Clients the application provides ({@code client-bean}, {@code dynamodb-client-bean}) keep the retry settings their
 * owner gave them: {@link #attempts(SdkClient)} tells how many attempts they make per call, for a notice.
 */
public final class SdkRetries {

    private SdkRetries() {
    }

    /** Turns the SDK's retries off on a client the connector builds: one attempt per call. */
    public static <B extends SdkClientBuilder<B, ?>> B off(B builder) {
        return builder.overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()));
    }

    /**
     * The attempts per call a client's SDK retry strategy makes (1: no SDK retries); empty when the client does not
     * tell (a client that is not an SDK-built one, a mock).
     */
    public static Optional<Integer> attempts(SdkClient client) {
        try {
            ClientOverrideConfiguration override = client.serviceClientConfiguration().overrideConfiguration();
            Optional<RetryStrategy> strategy = override.retryStrategy();
            if (strategy.isPresent()) {
                return Optional.of(strategy.get().maxAttempts());
            }
            return override.retryPolicy().map(RetryPolicy::numRetries).map(retries -> retries + 1);
        } catch (RuntimeException | LinkageError unknown) {
            return Optional.empty();
        }
    }
}
