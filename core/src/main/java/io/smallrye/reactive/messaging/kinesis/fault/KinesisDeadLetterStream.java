package io.smallrye.reactive.messaging.kinesis.fault;

import java.time.Duration;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.config.AttributeValidator;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * {@code failure-strategy=dead-letter-stream}: the nacked message's record (its data and partition key, as read; for
 * a user record of an aggregated record, that user record alone, with its explicit hash key if it has one) is
 * written with PutRecord to the stream named by {@code dead-letter-stream}, through the channel's client; then it
 * counts as processed and the channel goes on. Failures that can heal ({@link AwsErrors#classify}: throttling,
 * transient failures, the stream not found for a while) are retried with the channel's retry-backoff, up to
 * {@link #ATTEMPTS} attempts; if the record still cannot be written, the nack fails and the
 * record does not count as processed.
 */
public class KinesisDeadLetterStream implements KinesisFailureHandler {

    static final int ATTEMPTS = 6;

    @ApplicationScoped
    @Identifier(Strategy.DEAD_LETTER_STREAM)
    public static class Factory implements KinesisFailureHandler.Factory {
        @Override
        public KinesisFailureHandler create(KinesisConnectorIncomingConfiguration configuration,
                KinesisAsyncClient client, BiConsumer<Throwable, Boolean> reportFailure) {
            String channel = configuration.getChannel();
            String stream = configuration.getDeadLetterStream().filter(value -> !value.isBlank())
                    .orElseThrow(() -> KinesisExceptions.ex.invalidAttribute(channel, "dead-letter-stream", "",
                            "the name or ARN of a stream, required by failure-strategy dead-letter-stream"));
            AttributeValidator check = new AttributeValidator(channel);
            return new KinesisDeadLetterStream(channel, stream, client,
                    check.positiveDuration("retry-backoff", configuration.getRetryBackoff()),
                    check.positiveDuration("max-retry-backoff", configuration.getMaxRetryBackoff()));
        }
    }

    private final String channel;
    private final String deadLetterStream;
    private final KinesisAsyncClient client;
    private final Duration backoff;
    private final Duration maxBackoff;

    public KinesisDeadLetterStream(String channel, String deadLetterStream, KinesisAsyncClient client,
            Duration backoff, Duration maxBackoff) {
        this.channel = channel;
        this.deadLetterStream = deadLetterStream;
        this.client = client;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
    }

    @Override
    public Uni<Void> handle(IncomingKinesisMessage<?> message, Throwable reason, Metadata metadata) {
        IncomingKinesisMetadata kinesis = message.getKinesisMetadata();
        SdkBytes data = message.getData();
        KinesisIncomingLogging.log.nackedToDeadLetterStream(channel, kinesis.getShardId(),
                kinesis.getPosition().toString(), deadLetterStream, String.valueOf(reason));
        boolean arn = deadLetterStream.startsWith("arn:");
        return Uni.createFrom()
                .completionStage(() -> client.putRecord(request -> request
                        .streamName(arn ? null : deadLetterStream)
                        .streamARN(arn ? deadLetterStream : null)
                        .partitionKey(kinesis.getPartitionKey())
                        .explicitHashKey(kinesis.getExplicitHashKey().orElse(null))
                        .data(data)))
                .onFailure(KinesisDeadLetterStream::retryable).retry().withBackOff(backoff, maxBackoff)
                .atMost(ATTEMPTS - 1)
                .onFailure().transform(failure -> KinesisIncomingExceptions.ex.deadLetterWriteFailed(
                        kinesis.getShardId(), kinesis.getPosition().toString(), deadLetterStream, channel,
                        String.valueOf(failure.getMessage()), failure))
                .replaceWithVoid();
    }

    /** Whether a failed write may succeed if tried again: the connector's one classifier decides. */
    static boolean retryable(Throwable failure) {
        return AwsErrors.classify(failure).retryable();
    }
}
