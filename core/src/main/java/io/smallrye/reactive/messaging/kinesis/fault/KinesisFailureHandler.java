package io.smallrye.reactive.messaging.kinesis.fault;

import java.util.function.BiConsumer;

import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisBatchMessage;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * What an incoming channel does with a nacked message. The channel's {@code failure-strategy} attribute names the
 * {@link Factory} bean (its {@code @Identifier}) that creates the handler.
 */
public interface KinesisFailureHandler {

    /** The strategies this connector provides. */
    interface Strategy {
        /** The channel stops; health reports the failure. Nothing after the nacked record is processed. */
        String FAIL = "fail";
        /** The failure is logged and the channel goes on; the record counts as processed. */
        String IGNORE = "ignore";
        /** The record is written to the {@code dead-letter-stream}, then counts as processed. */
        String DEAD_LETTER_STREAM = "dead-letter-stream";
    }

    /** Creates the handler of one channel. A CDI bean qualified with {@code @Identifier}. */
    interface Factory {
        /**
         * @param reportFailure reports a failure to the channel: {@code true} as second argument stops the channel
         */
        KinesisFailureHandler create(KinesisConnectorIncomingConfiguration configuration, KinesisAsyncClient client,
                BiConsumer<Throwable, Boolean> reportFailure);
    }

    /**
     * Handles a nacked message. When the returned Uni completes with an item, the message's record counts as
     * processed (the shard's checkpoint can move past it) and the nack succeeds; when it fails, the record is not
     * processed and the nack fails with that failure.
     */
    Uni<Void> handle(IncomingKinesisMessage<?> message, Throwable reason, Metadata metadata);

    /**
     * Handles a nacked batch ({@code batch=true}). When the returned Uni completes with an item, every record of the
     * batch counts as processed; when it fails, none does. By default, {@link #handle} for each record, one after the
     * other, stopping at the first failure.
     */
    default Uni<Void> handleBatch(IncomingKinesisBatchMessage<?> batch, Throwable reason, Metadata metadata) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (IncomingKinesisMessage<?> record : batch.getRecords()) {
            chain = chain.chain(() -> handle(record, reason, metadata));
        }
        return chain;
    }
}
