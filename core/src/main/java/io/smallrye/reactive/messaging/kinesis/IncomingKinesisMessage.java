package io.smallrye.reactive.messaging.kinesis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisFailureHandler;
import io.smallrye.reactive.messaging.providers.MetadataInjectableMessage;
import io.smallrye.reactive.messaging.providers.locals.ContextAwareMessage;
import io.smallrye.reactive.messaging.providers.locals.LocalContextMetadata;
import io.vertx.core.Context;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * A message read from Kinesis (a plain record, or one user record of a KPL aggregated record): the data as a
 * {@code byte[]} payload, {@link IncomingKinesisMetadata}, and
 * the Vert.x context it was created on (a duplicate of the channel's). Acking marks the record processed; nacking
 * hands it to the channel's failure strategy, then marks it processed. The record is marked on the channel's context,
 * where the shard's progress lives: at once when acked there (on the message's context, as an {@code @Incoming}
 * method does: the returned stage is already completed), else after a hop onto the message's context, where the
 * returned stage then completes.
 *
 * @param <T> the payload type ({@code byte[]} as read)
 */
public class IncomingKinesisMessage<T> implements ContextAwareMessage<T>, MetadataInjectableMessage<T> {

    /** Already completed, and not completable by callers. */
    private static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);

    private final Source received;
    private final T payload;
    private final KinesisFailureHandler failureHandler;
    /** The message's own (duplicated) context; null when not created on a Vert.x context. */
    private final Context context;
    private Metadata metadata;

    /**
     * What a message is read from, as the connector's shard readers give it: not for applications, which receive
     * messages and never make them.
     */
    public interface Source {
        /** The record as Kinesis returned it (for a user record: the aggregated record holding it). */
        Record record();

        /** The data of the (user) record, as the SDK takes it. */
        SdkBytes data();

        /**
         * Whether the calling thread runs on the context of the message's channel (the message's own context is a
         * duplicate of it): {@link #complete()} may then be called at once.
         */
        boolean onChannelContext();

        /**
         * Marks the record processed: the shard's checkpoint may move past it. Called on the channel's context (see
         * {@link #onChannelContext()}); a call from elsewhere is handed over to that context.
         */
        void complete();
    }

    /**
     * Made by the connector's shard readers; applications receive messages and never make them.
     *
     * @param context the message's own context, a duplicate of the channel's; null outside Vert.x
     */
    public IncomingKinesisMessage(Source received, T payload, IncomingKinesisMetadata kinesisMetadata,
            KinesisFailureHandler failureHandler, Context context) {
        this.received = received;
        this.payload = payload;
        this.failureHandler = failureHandler;
        this.context = context;
        // one metadata map with both entries (captureContextMetadata would build one, then copy it to add the context)
        this.metadata = context == null ? Metadata.of(kinesisMetadata)
                : Metadata.of(kinesisMetadata, new LocalContextMetadata(context));
    }

    @Override
    public T getPayload() {
        return payload;
    }

    @Override
    public Metadata getMetadata() {
        return metadata;
    }

    /**
     * The record as Kinesis returned it. For a user record of a KPL aggregated record, the aggregated record holding
     * it (and the other user records): see {@link #getData()} for the user record's own data.
     */
    public Record getRecord() {
        return received.record();
    }

    /**
     * The data of this message's record as read, whatever the payload became: the record's data, or for a user record
     * of an aggregated record its own data (a copy, made at each call).
     */
    public SdkBytes getData() {
        return received.data();
    }

    /** The Kinesis metadata of this message. */
    public IncomingKinesisMetadata getKinesisMetadata() {
        return metadata.get(IncomingKinesisMetadata.class).orElseThrow();
    }

    /** Whether the calling thread runs on the context of the message's channel. */
    boolean onChannelContext() {
        return received.onChannelContext();
    }

    /** Marks the record processed, without the failure strategy: for the batch holding it. */
    void complete() {
        received.complete();
    }

    @Override
    public CompletionStage<Void> ack(Metadata ackMetadata) {
        if (context == null || received.onChannelContext()) {
            // acked on the message's context (as an @Incoming method does) or another one of its channel: no hop
            received.complete();
            return DONE;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        completeOnMessageContext(done);
        return done;
    }

    @Override
    public CompletionStage<Void> nack(Throwable reason, Metadata nackMetadata) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Uni<Void> handled;
        try {
            handled = failureHandler.handle(this, reason, nackMetadata == null ? Metadata.empty() : nackMetadata);
        } catch (RuntimeException e) {
            handled = Uni.createFrom().failure(e);
        }
        handled.subscribe().with(
                ignored -> runOnMessageContext(() -> {
                    received.complete();
                    done.complete(null);
                }),
                failure -> runOnMessageContext(() -> done.completeExceptionally(failure)));
        return done;
    }

    /** Hops onto the message's context (its channel's event loop) to mark the record processed, then completes. */
    private void completeOnMessageContext(CompletableFuture<Void> done) {
        try {
            context.runOnContext(ignored -> {
                received.complete();
                done.complete(null);
            });
        } catch (RejectedExecutionException vertxClosed) {
            // the application stopped: the channel is gone with its checkpoints
            done.completeExceptionally(vertxClosed);
        }
    }

    @Override
    public Function<Metadata, CompletionStage<Void>> getAckWithMetadata() {
        return this::ack;
    }

    @Override
    public BiFunction<Throwable, Metadata, CompletionStage<Void>> getNackWithMetadata() {
        return this::nack;
    }

    @Override
    public void injectMetadata(Object metadataObject) {
        this.metadata = metadata.with(metadataObject);
    }
}
