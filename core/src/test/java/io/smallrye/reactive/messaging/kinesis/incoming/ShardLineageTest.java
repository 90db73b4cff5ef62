package io.smallrye.reactive.messaging.kinesis.incoming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.incoming.ShardLineage.State;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.Shard;

class ShardLineageTest {

    private static Shard shard(String id, boolean closed, String... parents) {
        return Shard.builder().shardId(id)
                .parentShardId(parents.length > 0 ? parents[0] : null)
                .adjacentParentShardId(parents.length > 1 ? parents[1] : null)
                .sequenceNumberRange(range -> range.startingSequenceNumber("1").endingSequenceNumber(closed ? "9" : null))
                .build();
    }

    @Test
    void childrenWaitForAllTheirParents() {
        ShardLineage lineage = new ShardLineage(false);
        // 0 split into 1 and 2, merged into 3
        lineage.listed(List.of(shard("0", true), shard("1", true, "0"), shard("2", true, "0"),
                shard("3", false, "1", "2")));
        assertThat(lineage.startable()).containsExactly("0");
        lineage.moveTo("0", State.READING);
        assertThat(lineage.startable()).isEmpty();
        lineage.moveTo("0", State.FINISHED);
        assertThat(lineage.startable()).containsExactly("1", "2");
        lineage.moveTo("1", State.FINISHED);
        lineage.moveTo("2", State.DRAINING);
        assertThat(lineage.startable()).isEmpty();
        lineage.moveTo("2", State.FINISHED);
        assertThat(lineage.startable()).containsExactly("3");
        assertThat(lineage.initial("3")).isTrue();
    }

    @Test
    void aLatestStartSkipsShardsAlreadyClosedAndParentsGoneFromTheListingCountAsFinished() {
        ShardLineage lineage = new ShardLineage(true);
        lineage.listed(List.of(shard("1", true, "0"), shard("2", false, "1"), shard("3", false, "1")));
        assertThat(lineage.state("1")).isEqualTo(State.FINISHED);
        assertThat(lineage.startable()).containsExactly("2", "3");
    }

    @Test
    void childrenNamedByGetRecordsAreKnownBeforeAnyListingAndWaitForAnUnlistedParent() {
        ShardLineage lineage = new ShardLineage(false);
        lineage.listed(List.of(shard("1", false), shard("2", false)));
        lineage.moveTo("1", State.FINISHED);
        lineage.moveTo("2", State.READING);
        boolean unknownParent = lineage.childrenFound(List.of(ChildShard.builder().shardId("3")
                .parentShards("1", "2").build()));
        assertThat(unknownParent).isFalse();
        assertThat(lineage.startable()).isEmpty();
        lineage.moveTo("2", State.FINISHED);
        assertThat(lineage.startable()).containsExactly("3");
        assertThat(lineage.initial("3")).as("found after the first listing").isFalse();

        assertThat(lineage.childrenFound(List.of(ChildShard.builder().shardId("5").parentShards("3", "4").build())))
                .as("4 was never listed").isTrue();
        lineage.moveTo("3", State.FINISHED);
        assertThat(lineage.startable()).as("5 waits until a listing tells about 4").isEmpty();
    }

    @Test
    void shardsNotOwnedAreClaimedAgainAfterTheNextListing() {
        ShardLineage lineage = new ShardLineage(false);
        lineage.listed(List.of(shard("1", false)));
        lineage.moveTo("1", State.NOT_OWNED);
        assertThat(lineage.startable()).isEmpty();
        lineage.listed(List.of(shard("1", false)));
        assertThat(lineage.startable()).containsExactly("1");
    }
}
