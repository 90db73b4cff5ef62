package io.smallrye.reactive.messaging.kinesis.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RepeatedFailuresTest {

    private final AtomicLong now = new AtomicLong();
    private final RepeatedFailures failures = new RepeatedFailures(Duration.ofSeconds(10), now::get);

    @Test
    void firstFailureIsLoggedThenACountPerInterval() {
        assertThat(failures.admit("shard-1")).isZero();
        assertThat(failures.admit("shard-1")).isEqualTo(-1);
        assertThat(failures.admit("shard-1")).isEqualTo(-1);
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(failures.admit("shard-1")).as("failures not logged since the last line").isEqualTo(2);
        assertThat(failures.admit("shard-1")).isEqualTo(-1);
    }

    @Test
    void kindsAreCountedApartAndASuccessResetsOne() {
        assertThat(failures.admit("a")).isZero();
        assertThat(failures.admit("b")).isZero();
        assertThat(failures.admit("a")).isEqualTo(-1);
        failures.succeeded("a");
        assertThat(failures.admit("a")).isZero();
        assertThat(failures.admit("b")).isEqualTo(-1);
    }
}
