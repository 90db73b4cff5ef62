package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardInfo;

class ListedShardsTest {

    static final long MINUTE = 60_000_000_000L;

    static ShardInfo shard(String id, String... parents) {
        return new ShardInfo(id, List.of(parents), null, null);
    }

    @Test
    void descendantsFollowSplitsAndMergesAcrossListings() {
        ListedShards listed = new ListedShards();
        listed.listed(List.of(shard("p"), shard("c1", "p"), shard("c2", "p")), List.of(), 0);
        // later, p is past retention, c1 and c2 were merged into m
        listed.listed(List.of(shard("c1", "p"), shard("c2", "p"), shard("m", "c1", "c2")), List.of(), 1);

        assertThat(listed.children("p")).containsExactly("c1", "c2");
        assertThat(listed.descendants("p")).containsExactlyInAnyOrder("c1", "c2", "m");
        assertThat(listed.descendants("c2")).containsExactly("m");
        assertThat(listed.descendants("m")).isEmpty();
        assertThat(listed.descendants("unknown")).isEmpty();
    }

    @Test
    void aLeaseIsGoneOnlyWhenMissingFromTwoListingsInARowOverTheInterval() {
        ListedShards listed = new ListedShards();
        List<String> leases = List.of("old", "c");
        listed.listed(List.of(shard("c")), leases, 0);
        assertThat(listed.gone("old", 10 * MINUTE, MINUTE)).as("one listing").isFalse();

        listed.listed(List.of(shard("c")), leases, MINUTE / 2);
        assertThat(listed.gone("old", MINUTE / 2, MINUTE)).as("not for the interval yet").isFalse();
        assertThat(listed.gone("old", MINUTE, MINUTE)).isTrue();
        assertThat(listed.gone("c", MINUTE, MINUTE)).as("listed").isFalse();

        listed.listed(List.of(shard("c"), shard("old")), leases, 2 * MINUTE);
        assertThat(listed.gone("old", 10 * MINUTE, MINUTE)).as("listed again").isFalse();
    }

    @Test
    void emptyListingsAndLeasesNotScannedBeforeTheListingDoNotCount() {
        ListedShards listed = new ListedShards();
        listed.listed(List.of(shard("c")), List.of(), 0); // "new" not scanned yet
        listed.listed(List.of(), List.of("new", "c"), 0);
        listed.listed(List.of(shard("c")), List.of("new", "c"), MINUTE);
        assertThat(listed.gone("new", 10 * MINUTE, MINUTE)).isFalse();

        listed.listed(List.of(shard("c")), List.of("new", "c"), 2 * MINUTE);
        assertThat(listed.gone("new", 10 * MINUTE, MINUTE)).isTrue();

        listed.listed(List.of(shard("c")), List.of("c"), 3 * MINUTE); // its lease was deleted
        assertThat(listed.gone("new", 10 * MINUTE, MINUTE)).isFalse();
    }
}
