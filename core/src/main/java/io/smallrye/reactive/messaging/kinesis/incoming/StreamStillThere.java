package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisFanOutLogging;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Whether a shard refused "not found" by SubscribeToShard, while the stream consumer is ACTIVE, still exists in the
 * stream the channel reads ({@link ConsumerRecovery}), before its position is given up: the stream is described
 * (DescribeStreamSummary) and its shards listed (ListShards, every page), once for the refusals that ask while a
 * check is under way.
 * <ul>
 * <li>{@link Answer#GONE}: the stream is not found or DELETING, or has another creation time than the one known (it
 * was deleted and created again), or the shard is not listed (expired by retention, or the recreated stream does not
 * have it).</li>
 * <li>{@link Answer#THERE}: the same stream, and the shard listed.</li>
 * <li>{@link Answer#UNKNOWN}: a call failed (throttled, network trouble): no guess, the caller retries.</li>
 * </ul>
 * The creation time known is the one the channel started with ({@link StreamShards#info()}), replaced by the new one
 * once a recreation was found: the positions read since belong to the new stream. A shard whose position still
 * belongs to the old stream and is judged against the new creation time is refused again when it resubscribes (its
 * sequence number does not come from this stream), and then loses its position. A creation time Kinesis does not
 * answer (some emulators) is not compared. No retry here: one layer of retries, the shard's backoff. Channel context
 * only.
 */
final class StreamStillThere {

    /** What the check found for one shard. */
    enum Answer {
        /** The stream is the same and lists the shard. */
        THERE,
        /** The stream is gone or was recreated, or the shard is no longer listed. */
        GONE,
        /** The stream or its shards could not be checked. */
        UNKNOWN
    }

    /** What one check found: the stream's answer, and when the stream is there, the shards it lists. */
    private record Found(Answer stream, Set<String> shardIds) {
        Answer of(String shardId) {
            return stream != Answer.THERE ? stream : shardIds.contains(shardId) ? Answer.THERE : Answer.GONE;
        }
    }

    private final String channel;
    private final StreamShards shards;
    private Instant createdAt;
    private boolean createdAtKnown;
    private CompletableFuture<Found> checking;

    StreamStillThere(String channel, StreamShards shards) {
        this.channel = channel;
        this.shards = shards;
    }

    /** Whether the shard still exists in the same stream; completes on the channel context. */
    CompletionStage<Answer> check(String shardId) {
        CompletableFuture<Found> found = checking != null ? checking : look();
        return found.thenApply(answer -> answer.of(shardId));
    }

    private CompletableFuture<Found> look() {
        CompletableFuture<Found> result = new CompletableFuture<>();
        checking = result;
        if (!createdAtKnown) {
            createdAt = shards.info().createdAt();
            createdAtKnown = true;
        }
        shards.summary().whenComplete((summary, failure) -> {
            if (failure != null) {
                failed(result, failure);
            } else if (gone(summary)) {
                finish(result, new Found(Answer.GONE, Set.of()));
            } else {
                shards.list().whenComplete((list, error) -> {
                    if (error != null) {
                        failed(result, error);
                    } else {
                        finish(result, new Found(Answer.THERE,
                                list.stream().map(Shard::shardId).collect(Collectors.toSet())));
                    }
                });
            }
        });
        return result;
    }

    /** Whether the summary shows the stream deleted, or created again since the creation time known. */
    private boolean gone(StreamDescriptionSummary summary) {
        if (summary.streamStatus() == StreamStatus.DELETING) {
            return true;
        }
        Instant answered = summary.streamCreationTimestamp();
        if (answered == null || answered.equals(createdAt)) {
            return false;
        }
        boolean recreated = createdAt != null;
        createdAt = answered;
        return recreated;
    }

    private void failed(CompletableFuture<Found> result, Throwable failure) {
        if (AwsErrors.classify(failure) == FailureKind.NOT_FOUND) {
            finish(result, new Found(Answer.GONE, Set.of())); // the stream does not exist
            return;
        }
        KinesisFanOutLogging.log.streamCheckFailed(channel, AwsErrors.unwrap(failure));
        finish(result, new Found(Answer.UNKNOWN, Set.of()));
    }

    private void finish(CompletableFuture<Found> result, Found found) {
        checking = null;
        result.complete(found);
    }
}
