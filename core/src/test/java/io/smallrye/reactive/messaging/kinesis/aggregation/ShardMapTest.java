package io.smallrye.reactive.messaging.kinesis.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

class ShardMapTest {

    static final BigInteger QUARTER = BigInteger.ONE.shiftLeft(126);

    static Shard shard(String id, BigInteger start, BigInteger end, boolean closed) {
        return Shard.builder()
                .shardId(id)
                .hashKeyRange(HashKeyRange.builder().startingHashKey(start.toString()).endingHashKey(end.toString()).build())
                .sequenceNumberRange(SequenceNumberRange.builder()
                        .startingSequenceNumber("49590338271490256608559692538361571095921575989136588898")
                        .endingSequenceNumber(closed ? "49590338271490256608559692540925702759324208523137515618" : null)
                        .build())
                .build();
    }

    /** The even split CreateStream makes with 4 shards. */
    static List<Shard> fourShards() {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            BigInteger start = QUARTER.multiply(BigInteger.valueOf(i));
            BigInteger end = start.add(QUARTER).subtract(BigInteger.ONE);
            shards.add(shard("shardId-00000000000" + i, start, end, false));
        }
        return shards;
    }

    @Test
    void mapsRangeBoundariesOfAnEvenSplit() {
        List<Shard> shards = fourShards();
        Collections.reverse(shards); // the order of the listing does not matter
        ShardMap map = ShardMap.fromShards(shards);

        assertThat(map.size()).isEqualTo(4);
        assertThat(map.shardIds()).containsExactly("shardId-000000000000", "shardId-000000000001",
                "shardId-000000000002", "shardId-000000000003");
        assertThat(map.shardFor(BigInteger.ZERO)).isEqualTo("shardId-000000000000");
        assertThat(map.shardFor(HashKeys.MAX)).isEqualTo("shardId-000000000003");
        for (int i = 0; i < 4; i++) {
            String id = "shardId-00000000000" + i;
            BigInteger start = QUARTER.multiply(BigInteger.valueOf(i));
            BigInteger end = start.add(QUARTER).subtract(BigInteger.ONE);
            assertThat(map.shardFor(start)).as("start of %s", id).isEqualTo(id);
            assertThat(map.shardFor(end)).as("end of %s", id).isEqualTo(id);
            assertThat(map.shardFor(start.add(QUARTER.shiftRight(1)))).isEqualTo(id);
            assertThat(map.rangeOf(id)).isEqualTo(new HashRange(start, end));
        }
        assertThat(map.shardFor(HashKeys.MAX.add(BigInteger.ONE))).isNull();
        assertThat(map.shardFor(BigInteger.ONE.negate())).isNull();
        assertThat(map.rangeOf("shardId-000000000009")).isNull();
    }

    @Test
    void mapsPartitionKeysByTheirMd5() {
        ShardMap map = ShardMap.fromShards(fourShards());
        // MD5("abc") = 0x90..., in the third quarter; MD5("a") = 0x0c..., in the first
        assertThat(map.shardFor("abc", null)).isEqualTo("shardId-000000000002");
        assertThat(map.shardFor("a", null)).isEqualTo("shardId-000000000000");
        assertThat(map.shardFor("abc", HashKeys.MAX.toString())).isEqualTo("shardId-000000000003");
    }

    @Test
    void partitionKeyLookupAgreesWithTheHashKeyLookupAcrossUnevenRangesAndGaps() {
        // uneven ranges with a gap, boundaries with the high bit set in either 64-bit half
        BigInteger half = BigInteger.ONE.shiftLeft(127);
        BigInteger lowHalfTop = BigInteger.ONE.shiftLeft(63);
        ShardMap map = ShardMap.fromShards(List.of(
                shard("a", BigInteger.ZERO, lowHalfTop, false),
                shard("b", lowHalfTop.add(BigInteger.ONE), half.subtract(BigInteger.TEN), false),
                // gap: [half - 9, half + 2^64 - 1]
                shard("c", half.add(BigInteger.ONE.shiftLeft(64)), HashKeys.MAX.subtract(QUARTER), false),
                shard("d", HashKeys.MAX.subtract(QUARTER).add(BigInteger.ONE), HashKeys.MAX, false)));
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            String key = Long.toString(random.nextLong(), 36) + (i % 7 == 0 ? "\u00e9\ud83d\ude00" : "");
            assertThat(map.shardFor(key, null)).as("key %s", key)
                    .isEqualTo(map.shardFor(HashKeys.ofPartitionKey(key)));
        }
        assertThat(ShardMap.empty().shardFor("any", null)).isNull();
    }

    @Test
    void ignoresClosedShardsAndReadsAllPages() {
        // shard 0 was split in two: its children are open, the parent closed
        List<Shard> shards = fourShards();
        Shard parent = shards.get(0);
        BigInteger half = QUARTER.shiftRight(1);
        ListShardsResponse page1 = ListShardsResponse.builder()
                .shards(shard(parent.shardId(), BigInteger.ZERO, QUARTER.subtract(BigInteger.ONE), true),
                        shards.get(1))
                .nextToken("next")
                .build();
        ListShardsResponse page2 = ListShardsResponse.builder()
                .shards(shards.get(2), shards.get(3),
                        shard("shardId-000000000004", BigInteger.ZERO, half.subtract(BigInteger.ONE), false),
                        shard("shardId-000000000005", half, QUARTER.subtract(BigInteger.ONE), false))
                .build();

        ShardMap map = ShardMap.fromListShards(List.of(page1, page2));

        assertThat(map.size()).isEqualTo(5);
        assertThat(map.shardFor(BigInteger.ZERO)).isEqualTo("shardId-000000000004");
        assertThat(map.shardFor(half.subtract(BigInteger.ONE))).isEqualTo("shardId-000000000004");
        assertThat(map.shardFor(half)).isEqualTo("shardId-000000000005");
        assertThat(map.shardFor(QUARTER)).isEqualTo("shardId-000000000001");
        assertThat(map.rangeOf(parent.shardId())).isNull();
    }

    @Test
    void aGapMapsToNoShard() {
        List<Shard> shards = fourShards();
        shards.remove(1);
        ShardMap map = ShardMap.fromShards(shards);
        assertThat(map.shardFor(QUARTER)).isNull();
        assertThat(map.shardFor(QUARTER.subtract(BigInteger.ONE))).isEqualTo("shardId-000000000000");
        assertThat(map.shardFor(QUARTER.shiftLeft(1))).isEqualTo("shardId-000000000002");
    }

    @Test
    void rejectsOverlappingOpenShards() {
        List<Shard> shards = fourShards();
        shards.add(shard("shardId-000000000004", QUARTER.subtract(BigInteger.ONE), QUARTER, false));
        assertThatThrownBy(() -> ShardMap.fromShards(shards))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overlap");
    }

    @Test
    void emptyMapHasNoShard() {
        assertThat(ShardMap.empty().isEmpty()).isTrue();
        assertThat(ShardMap.fromShards(List.of()).shardFor(BigInteger.ZERO)).isNull();
    }
}
