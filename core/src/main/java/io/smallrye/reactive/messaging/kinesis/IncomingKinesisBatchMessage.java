package io.smallrye.reactive.messaging.kinesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

/**
 * A message of an incoming channel with {@code batch=true}: the records of one GetRecords page of one shard, as a
 * {@code List} payload (each record decoded as the channel's payload-type), with {@link IncomingKinesisBatchMetadata}.
 * Acking it marks every record processed, so the shard's checkpoint moves past the batch once the batches before it
 * are done too. Nacking it hands the batch to the channel's failure strategy
 * ({@link KinesisFailureHandler#handleBatch}), then marks every record processed.
 *
 * @param <T> the type of the records' payloads
 */
public class IncomingKinesisBatchMessage<T> implements ContextAwareMessage<List<T>>, MetadataInjectableMessage<List<T>> {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);

    private final List<IncomingKinesisMessage<T>> records;
    private final List<T> payload;
    private final KinesisFailureHandler failureHandler;
    /** The message's own (duplicated) context; null when not created on a Vert.x context. */
    private final Context context;
    private Metadata metadata;

    /**
     * Made by the connector's shard readers; applications receive messages and never make them.
     *
     * @param records the record messages, in shard order, made without a context of their own; not empty
     * @param context the message's own context, a duplicate of the channel's; null outside Vert.x
     */
    public IncomingKinesisBatchMessage(List<IncomingKinesisMessage<T>> records, KinesisFailureHandler failureHandler,
            Context context) {
        this.records = List.copyOf(records);
        List<T> payloads = new ArrayList<>(records.size());
        List<IncomingKinesisMetadata> metadataOfRecords = new ArrayList<>(records.size());
        for (IncomingKinesisMessage<T> record : records) {
            payloads.add(record.getPayload());
            metadataOfRecords.add(record.getKinesisMetadata());
        }
        this.payload = Collections.unmodifiableList(payloads);
        this.failureHandler = failureHandler;
        this.context = context;
        IncomingKinesisMetadata first = metadataOfRecords.get(0);
        IncomingKinesisBatchMetadata batch = new IncomingKinesisBatchMetadata(first.getStream(), first.getShardId(),
                metadataOfRecords);
        this.metadata = context == null ? Metadata.of(batch) : Metadata.of(batch, new LocalContextMetadata(context));
    }

    /** The payloads of the records, in shard order (unmodifiable). */
    @Override
    public List<T> getPayload() {
        return payload;
    }

    @Override
    public Metadata getMetadata() {
        return metadata;
    }

    /** The records of the batch as messages of their own (their data, metadata), in shard order. */
    public List<IncomingKinesisMessage<T>> getRecords() {
        return records;
    }

    public IncomingKinesisBatchMetadata getBatchMetadata() {
        return metadata.get(IncomingKinesisBatchMetadata.class).orElseThrow();
    }

    @Override
    public CompletionStage<Void> ack(Metadata ackMetadata) {
        if (context == null || records.get(0).onChannelContext()) {
            completeAll();
            return DONE;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            context.runOnContext(ignored -> {
                completeAll();
                done.complete(null);
            });
        } catch (RejectedExecutionException vertxClosed) {
            // the application stopped: the channel is gone with its checkpoints
            done.completeExceptionally(vertxClosed);
        }
        return done;
    }

    @Override
    public CompletionStage<Void> nack(Throwable reason, Metadata nackMetadata) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Uni<Void> handled;
        try {
            handled = failureHandler.handleBatch(this, reason, nackMetadata == null ? Metadata.empty() : nackMetadata);
        } catch (RuntimeException e) {
            handled = Uni.createFrom().failure(e);
        }
        handled.subscribe().with(
                ignored -> runOnMessageContext(() -> {
                    completeAll();
                    done.complete(null);
                }),
                failure -> runOnMessageContext(() -> done.completeExceptionally(failure)));
        return done;
    }

    /** Marks every record processed (each hops onto the channel's context, unless already there). */
    private void completeAll() {
        for (IncomingKinesisMessage<T> record : records) {
            record.complete();
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
