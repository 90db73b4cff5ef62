package io.smallrye.reactive.messaging.kinesis.fault;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisBatchMessage;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisBatchMetadata;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * {@code failure-strategy=ignore}: a nacked message is logged and counts as processed; the channel goes on.
 */
public class KinesisIgnoreFailure implements KinesisFailureHandler {

    @ApplicationScoped
    @Identifier(Strategy.IGNORE)
    public static class Factory implements KinesisFailureHandler.Factory {
        @Override
        public KinesisFailureHandler create(KinesisConnectorIncomingConfiguration configuration,
                KinesisAsyncClient client, BiConsumer<Throwable, Boolean> reportFailure) {
            return new KinesisIgnoreFailure(configuration.getChannel());
        }
    }

    private final String channel;

    public KinesisIgnoreFailure(String channel) {
        this.channel = channel;
    }

    @Override
    public Uni<Void> handle(IncomingKinesisMessage<?> message, Throwable reason, Metadata metadata) {
        KinesisIncomingLogging.log.nackedAndIgnored(channel, message.getKinesisMetadata().getShardId(),
                message.getKinesisMetadata().getPosition().toString(), String.valueOf(reason));
        return Uni.createFrom().voidItem();
    }

    /** One log line for the batch, naming the positions of its first and last records. */
    @Override
    public Uni<Void> handleBatch(IncomingKinesisBatchMessage<?> batch, Throwable reason, Metadata metadata) {
        IncomingKinesisBatchMetadata records = batch.getBatchMetadata();
        KinesisIncomingLogging.log.nackedAndIgnored(channel, records.getShardId(),
                records.getFirst().getPosition() + ".." + records.getLast().getPosition() + " (" + records.size()
                        + " records)",
                String.valueOf(reason));
        return Uni.createFrom().voidItem();
    }
}
