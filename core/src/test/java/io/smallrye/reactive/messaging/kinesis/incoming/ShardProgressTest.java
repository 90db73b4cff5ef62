package io.smallrye.reactive.messaging.kinesis.incoming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;

class ShardProgressTest {

    private static ShardPosition at(long sequence, long sub) {
        return new ShardPosition(java.math.BigInteger.valueOf(sequence), sub);
    }

    @Test
    void theCompletedPositionOnlyMovesOverAnUnbrokenRunOfCompletions() {
        ShardProgress progress = new ShardProgress("shard", at(5, 0));
        List<ShardProgress.Delivery> deliveries = new ArrayList<>();
        for (long sequence = 10; sequence <= 14; sequence++) {
            deliveries.add(progress.fetched(at(sequence, 0)));
        }
        assertThat(progress.completedPosition()).isEqualTo(at(5, 0));
        assertThat(progress.pending()).isEqualTo(5);

        progress.complete(deliveries.get(1));
        progress.complete(deliveries.get(3));
        assertThat(progress.completedPosition()).as("10 is not completed yet").isEqualTo(at(5, 0));
        assertThat(progress.pending()).isEqualTo(3);

        progress.complete(deliveries.get(0));
        assertThat(progress.completedPosition()).isEqualTo(at(11, 0));
        progress.complete(deliveries.get(0));
        assertThat(progress.pending()).as("a second completion counts once").isEqualTo(2);

        progress.complete(deliveries.get(2));
        assertThat(progress.completedPosition()).isEqualTo(at(13, 0));
        progress.complete(deliveries.get(4));
        assertThat(progress.completedPosition()).isEqualTo(at(14, 0));
        assertThat(progress.pending()).isZero();
        assertThat(progress.fetchedCount()).isEqualTo(5);
    }

    @Test
    void subSequencesOfOneRecordAreSeparatePositions() {
        ShardProgress progress = new ShardProgress("shard", null);
        ShardProgress.Delivery first = progress.fetched(at(7, 0));
        ShardProgress.Delivery second = progress.fetched(at(7, 1));
        progress.complete(first);
        assertThat(progress.completedPosition()).isEqualTo(at(7, 0));
        progress.complete(second);
        assertThat(progress.completedPosition()).isEqualTo(at(7, 1));
    }

    @Test
    void aReaderWaitingForRoomIsWokenOnceWhenEnoughRoomIsMade() {
        ShardProgress progress = new ShardProgress("shard", null);
        List<ShardProgress.Delivery> deliveries = new ArrayList<>();
        for (long sequence = 1; sequence <= 10; sequence++) {
            deliveries.add(progress.fetched(at(sequence, 0)));
        }
        AtomicInteger wakeUps = new AtomicInteger();
        assertThat(progress.roomFor(10, 4, wakeUps::incrementAndGet)).isZero();
        progress.complete(deliveries.get(0));
        progress.complete(deliveries.get(1));
        progress.complete(deliveries.get(2));
        assertThat(wakeUps).hasValue(0);
        progress.complete(deliveries.get(3));
        assertThat(wakeUps).hasValue(1);
        progress.complete(deliveries.get(4));
        assertThat(wakeUps).hasValue(1);
        assertThat(progress.roomFor(10, 4, wakeUps::incrementAndGet)).isEqualTo(5);
    }

    @Test
    void allCompletedRunsNowOrAtTheLastCompletion() {
        ShardProgress progress = new ShardProgress("shard", null);
        AtomicInteger calls = new AtomicInteger();
        progress.whenAllCompleted(calls::incrementAndGet);
        assertThat(calls).hasValue(1);

        ShardProgress.Delivery one = progress.fetched(at(1, 0));
        ShardProgress.Delivery two = progress.fetched(at(2, 0));
        progress.whenAllCompleted(calls::incrementAndGet);
        progress.complete(two);
        assertThat(calls).hasValue(1);
        progress.complete(one);
        assertThat(calls).hasValue(2);
    }

    @Test
    void everyListenerWaitingForTheLastCompletionRunsOnceInTheOrderRegistered() {
        ShardProgress progress = new ShardProgress("shard", null);
        ShardProgress.Delivery delivery = progress.fetched(at(1, 0));
        List<String> runs = new ArrayList<>();
        progress.whenAllCompleted(() -> runs.add("shard end"));
        progress.whenAllCompleted(() -> runs.add("stop"));
        assertThat(runs).isEmpty();

        progress.complete(delivery);
        progress.complete(delivery);
        assertThat(runs).containsExactly("shard end", "stop");
    }
}
