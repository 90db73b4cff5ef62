package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Sends one batch as a PutRecords request and hands its answer back on the channel's context, always as a task of its
 * own (even when the client answers at once, on the context): the send loop that sent it is never re-entered.
 */
final class PutRecordsSender {

    /** Receives an answer on the context: the response, or the failure of the whole request. */
    @FunctionalInterface
    interface Answers {
        void answered(List<RequestEntry> batch, PutRecordsResponse response, Throwable failure, long sentAtNanos);
    }

    private final KinesisAsyncClient client;
    private final ChannelContext context;
    private final Answers answers;

    PutRecordsSender(KinesisAsyncClient client, ChannelContext context, Answers answers) {
        this.client = client;
        this.context = context;
        this.answers = answers;
    }

    void send(List<RequestEntry> batch) {
        String stream = batch.get(0).records().get(0).stream;
        List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
        for (RequestEntry entry : batch) {
            entries.add(entry.entry());
        }
        StreamRef ref = new StreamRef(stream);
        PutRecordsRequest.Builder request = PutRecordsRequest.builder().records(entries).streamName(ref.name())
                .streamARN(ref.arn());
        CompletableFuture<PutRecordsResponse> response;
        long sentAt = System.nanoTime();
        try {
            response = client.putRecords(request.build());
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        // if Vert.x no longer runs, the batch stays in flight: the shutdown nacks it as unanswered
        response.whenComplete(
                (result, failure) -> context.submit(() -> answers.answered(batch, result, failure, sentAt)));
    }
}
