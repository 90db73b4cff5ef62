package io.smallrye.reactive.messaging.kinesis.fault;

import java.time.Duration;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisBatchMessage;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisBatchMetadata;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.Backoff;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.client.RepeatedFailures;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.config.AttributeValidator;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisRetryLogging;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordRequest;

/**
 * {@code failure-strategy=dead-letter-stream}: the nacked message's record (its data and partition key, as read; for
 * a user record of an aggregated record, that user record alone, with its explicit hash key if it has one) is
 * written with PutRecord to the stream named by {@code dead-letter-stream}, through the channel's client; then it
 * counts as processed and the channel goes on. A nacked batch ({@code batch=true}) writes each of its records so, one
 * after the other.
 * <p>
 * This is the write's one retry layer (the connector's clients make one attempt per call): a failure that can heal
 * ({@link AwsErrors#classify}: throttling, transient failures, the stream not found for a while) is tried again after
 * the connector's {@link Backoff} (retry-backoff doubling up to max-retry-backoff, with jitter), up to
 * {@link #ATTEMPTS} attempts in all; a failure retrying cannot fix is not tried again. If the record still cannot be
 * written, the nack fails and the record does not count as processed. The waits are timers of the context the nack
 * came on (the message's), else Mutiny's.
 */
public class KinesisDeadLetterStream implements KinesisFailureHandler {

    /** Attempts of one dead-letter write: the first and 5 retries. */
    public static final int ATTEMPTS = 6;

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
    private final Backoff backoff;
    private final RepeatedFailures failures = new RepeatedFailures();

    public KinesisDeadLetterStream(String channel, String deadLetterStream, KinesisAsyncClient client,
            Duration backoff, Duration maxBackoff) {
        this.channel = channel;
        this.deadLetterStream = deadLetterStream;
        this.client = client;
        this.backoff = new Backoff(backoff, maxBackoff);
    }

    @Override
    public Uni<Void> handle(IncomingKinesisMessage<?> message, Throwable reason, Metadata metadata) {
        IncomingKinesisMetadata kinesis = message.getKinesisMetadata();
        KinesisIncomingLogging.log.nackedToDeadLetterStream(channel, kinesis.getShardId(),
                kinesis.getPosition().toString(), deadLetterStream, String.valueOf(reason));
        return write(message);
    }

    /**
     * Writes each record of the batch, one after the other (so in shard order), with one log line for the batch; the
     * first record that cannot be written fails the nack.
     */
    @Override
    public Uni<Void> handleBatch(IncomingKinesisBatchMessage<?> batch, Throwable reason, Metadata metadata) {
        IncomingKinesisBatchMetadata records = batch.getBatchMetadata();
        KinesisIncomingLogging.log.nackedToDeadLetterStream(channel, records.getShardId(),
                records.getFirst().getPosition() + ".." + records.getLast().getPosition() + " (" + records.size()
                        + " records)",
                deadLetterStream, String.valueOf(reason));
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (IncomingKinesisMessage<?> record : batch.getRecords()) {
            chain = chain.chain(() -> write(record));
        }
        return chain;
    }

    private Uni<Void> write(IncomingKinesisMessage<?> message) {
        IncomingKinesisMetadata kinesis = message.getKinesisMetadata();
        StreamRef target = new StreamRef(deadLetterStream);
        PutRecordRequest request = PutRecordRequest.builder()
                .streamName(target.name())
                .streamARN(target.arn())
                .partitionKey(kinesis.getPartitionKey())
                .explicitHashKey(kinesis.getExplicitHashKey().orElse(null))
                .data(message.getData())
                .build();
        return attempt(request, kinesis, 1, Vertx.currentContext());
    }

    private Uni<Void> attempt(PutRecordRequest request, IncomingKinesisMetadata kinesis, int attempt,
            Context context) {
        return Uni.createFrom().completionStage(() -> client.putRecord(request))
                .onItem().invoke(() -> failures.succeeded(deadLetterStream))
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    KinesisRetryLogging.log.deadLetterWriteFailedDetail(channel, deadLetterStream,
                            AwsErrors.unwrap(failure));
                    FailureKind kind = AwsErrors.classify(failure);
                    if (!kind.retryable() || attempt >= ATTEMPTS) {
                        String why = AwsErrors.summary(failure) + " (" + attempt + " attempt(s); "
                                + (kind.retryable() ? "no attempt left" : "not retried: " + kind) + ")";
                        return Uni.createFrom().failure(KinesisIncomingExceptions.ex.deadLetterWriteFailed(
                                kinesis.getShardId(), kinesis.getPosition().toString(), deadLetterStream, channel,
                                why, AwsErrors.unwrap(failure)));
                    }
                    long delay = backoff.millis(attempt);
                    if (failures.admit(deadLetterStream) >= 0) {
                        KinesisRetryLogging.log.deadLetterWriteRetrying(channel, kinesis.getShardId(),
                                kinesis.getPosition().toString(), deadLetterStream, attempt, ATTEMPTS, delay,
                                AwsErrors.summary(failure));
                    }
                    return wait(delay, context).chain(() -> attempt(request, kinesis, attempt + 1, context));
                });
    }

    /** Completes after {@code delayMs}: on a timer of the context, if the nack came on one. */
    private static Uni<Void> wait(long delayMs, Context context) {
        if (context == null) {
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(delayMs));
        }
        return Uni.createFrom().emitter(emitter -> context.owner().setTimer(delayMs,
                id -> context.runOnContext(ignored -> emitter.complete(null))));
    }
}
