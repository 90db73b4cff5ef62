package io.smallrye.reactive.messaging.kinesis.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InMemoryCheckpointStoreTest {

    @Test
    void afterALostPositionALowerCheckpointReplacesTheHigherOne() {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        store.save("shardId-000000000000", ShardPosition.of("49600000000000000000000000000000000000000000000000000900"))
                .await().indefinitely();
        // the stream was recreated: reading goes on from the oldest record of the new shard, with lower numbers
        store.save("shardId-000000000000", ShardPosition.of("49500000000000000000000000000000000000000000000000000010"))
                .await().indefinitely();
        assertThat(store.position("shardId-000000000000")).contains(
                ShardPosition.of("49500000000000000000000000000000000000000000000000000010"));
        assertThat(store.claim("shardId-000000000000").await().indefinitely().checkpoint()).contains(
                ShardPosition.of("49500000000000000000000000000000000000000000000000000010"));
    }
}
