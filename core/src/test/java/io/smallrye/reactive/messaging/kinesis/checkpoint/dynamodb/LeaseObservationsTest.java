package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LeaseObservationsTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static Lease lease(String owner, long counter) {
        return new Lease("shardId-0", owner, counter, "TRIM_HORIZON", 0, 0, List.of(), List.of(), null, null);
    }

    @Test
    void aLeaseExpiresWhenItsCounterStaysForTheFailoverTimeOnThisNodesClock() {
        LeaseObservations observations = new LeaseObservations(10 * SECOND);
        long start = 1_000 * SECOND; // any origin: only differences between this node's readings count
        assertThat(observations.update(List.of(lease("b", 7)), start)).isEmpty();
        assertThat(observations.update(List.of(lease("b", 7)), start + 9 * SECOND)).isEmpty();
        assertThat(observations.update(List.of(lease("b", 7)), start + 10 * SECOND)).containsExactly("shardId-0");
    }

    @Test
    void aMovingCounterOrANewOwnerRestartsTheWatch() {
        LeaseObservations observations = new LeaseObservations(10 * SECOND);
        observations.update(List.of(lease("b", 7)), 0);
        assertThat(observations.update(List.of(lease("b", 8)), 9 * SECOND)).isEmpty();
        assertThat(observations.update(List.of(lease("b", 8)), 18 * SECOND)).isEmpty();
        assertThat(observations.update(List.of(lease("c", 8)), 19 * SECOND)).isEmpty();
        assertThat(observations.update(List.of(lease("c", 8)), 28 * SECOND)).isEmpty();
        assertThat(observations.update(List.of(lease("c", 8)), 29 * SECOND)).containsExactly("shardId-0");
    }

    @Test
    void aLeaseIsMovingWhenItsCounterChangedSinceThePreviousScan() {
        LeaseObservations observations = new LeaseObservations(10 * SECOND);
        observations.update(List.of(lease("b", 7)), 0);
        assertThat(observations.moving()).as("first sight").isEmpty();
        observations.update(List.of(lease("b", 8)), SECOND);
        assertThat(observations.moving()).containsExactly("shardId-0");
        observations.update(List.of(lease("b", 8)), 2 * SECOND);
        assertThat(observations.moving()).isEmpty();
    }

    @Test
    void aLeaseNobodyHoldsIsNeverExpired() {
        LeaseObservations observations = new LeaseObservations(SECOND);
        observations.update(List.of(lease(null, 3)), 0);
        assertThat(observations.update(List.of(lease(null, 3)), 60 * SECOND)).isEmpty();
    }
}
