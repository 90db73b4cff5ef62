package io.quarkiverse.messaging.kinesis.runtime.devui;

import java.util.ArrayList;
import java.util.List;

import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.ShardView;
import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.StreamView;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/** Describes a stream for the Streams page: DescribeStreamSummary, then ListShards (every page). */
final class StreamDescriber {

    private StreamDescriber() {
    }

    static Uni<StreamView> describe(KinesisAsyncClient client, String stream, List<String> channels) {
        StreamRef ref = new StreamRef(stream);
        return Uni.createFrom()
                .completionStage(() -> client.describeStreamSummary(r -> r.streamName(ref.name()).streamARN(ref.arn())))
                .map(answer -> answer.streamDescriptionSummary())
                .chain(summary -> listShards(client, ref, null, new ArrayList<>())
                        .map(shards -> view(stream, channels, summary, shards)))
                .onFailure().recoverWithItem(failure -> StreamView.failed(stream, channels, AwsErrors.summary(failure)));
    }

    private static Uni<List<Shard>> listShards(KinesisAsyncClient client, StreamRef ref, String nextToken,
            List<Shard> shards) {
        return Uni.createFrom().completionStage(() -> client.listShards(r -> {
            if (nextToken == null) {
                r.streamName(ref.name()).streamARN(ref.arn());
            } else {
                r.nextToken(nextToken);
            }
        })).chain((ListShardsResponse page) -> {
            shards.addAll(page.shards());
            return page.nextToken() == null ? Uni.createFrom().item(shards)
                    : listShards(client, ref, page.nextToken(), shards);
        });
    }

    private static StreamView view(String stream, List<String> channels, StreamDescriptionSummary summary,
            List<Shard> shards) {
        List<ShardView> views = new ArrayList<>(shards.size());
        int open = 0;
        for (Shard shard : shards) {
            boolean isOpen = shard.sequenceNumberRange().endingSequenceNumber() == null;
            open += isOpen ? 1 : 0;
            List<String> children = shards.stream()
                    .filter(other -> shard.shardId().equals(other.parentShardId())
                            || shard.shardId().equals(other.adjacentParentShardId()))
                    .map(Shard::shardId)
                    .toList();
            views.add(new ShardView(shard.shardId(), isOpen, shard.hashKeyRange().startingHashKey(),
                    shard.hashKeyRange().endingHashKey(), shard.parentShardId(), shard.adjacentParentShardId(),
                    children, shard.sequenceNumberRange().startingSequenceNumber(),
                    shard.sequenceNumberRange().endingSequenceNumber()));
        }
        String encryption = summary.encryptionTypeAsString() == null ? "NONE"
                : summary.keyId() == null ? summary.encryptionTypeAsString()
                        : summary.encryptionTypeAsString() + " (" + summary.keyId() + ")";
        return new StreamView(stream, channels, summary.streamStatusAsString(), open, summary.retentionPeriodHours(),
                encryption, summary.streamARN(), views, null);
    }
}
