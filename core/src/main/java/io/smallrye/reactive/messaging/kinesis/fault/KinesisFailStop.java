package io.smallrye.reactive.messaging.kinesis.fault;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisBatchMessage;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * {@code failure-strategy=fail} (the default): a nacked message stops the channel. The record does not count as
 * processed, so the checkpoint stays before it; health reports the failure.
 */
public class KinesisFailStop implements KinesisFailureHandler {

    @ApplicationScoped
    @Identifier(Strategy.FAIL)
    public static class Factory implements KinesisFailureHandler.Factory {
        @Override
        public KinesisFailureHandler create(KinesisConnectorIncomingConfiguration configuration,
                KinesisAsyncClient client, BiConsumer<Throwable, Boolean> reportFailure) {
            return new KinesisFailStop(configuration.getChannel(), reportFailure);
        }
    }

    private final String channel;
    private final BiConsumer<Throwable, Boolean> reportFailure;

    public KinesisFailStop(String channel, BiConsumer<Throwable, Boolean> reportFailure) {
        this.channel = channel;
        this.reportFailure = reportFailure;
    }

    @Override
    public Uni<Void> handle(IncomingKinesisMessage<?> message, Throwable reason, Metadata metadata) {
        String shardId = message.getKinesisMetadata().getShardId();
        String position = message.getKinesisMetadata().getPosition().toString();
        KinesisIncomingLogging.log.nackedAndFailing(channel, shardId, position, reason);
        reportFailure.accept(KinesisIncomingExceptions.ex.nackedMessageStoppedChannel(channel, shardId, position,
                describe(reason), reason), true);
        return Uni.createFrom().failure(reason);
    }

    /** The channel stops at the batch's first record: the checkpoint stays before the batch. One log line. */
    @Override
    public Uni<Void> handleBatch(IncomingKinesisBatchMessage<?> batch, Throwable reason, Metadata metadata) {
        return handle(batch.getRecords().get(0), reason, metadata);
    }

    /** The messages of the failure and its causes: the application's own exception is often wrapped. */
    static String describe(Throwable failure) {
        StringBuilder description = new StringBuilder();
        for (Throwable t = failure; t != null && description.length() < 1000; t = t.getCause()) {
            if (description.length() > 0) {
                description.append(", caused by ");
            }
            description.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return description.toString();
    }
}
