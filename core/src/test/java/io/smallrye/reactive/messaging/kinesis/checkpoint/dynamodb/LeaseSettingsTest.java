package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

class LeaseSettingsTest {

    @AfterEach
    void cleanup() {
        MapBasedConfig.cleanup();
    }

    private static LeaseSettings settings(MapBasedConfig config) {
        return LeaseSettings.from(new KinesisConnectorIncomingConfiguration(config.with("channel-name", "orders")),
                "orders");
    }

    @Test
    void leaseCleanUpIsOnWithTheKclsIntervalsByDefault() {
        LeaseSettings settings = settings(new MapBasedConfig());
        assertThat(settings.cleanupEnabled()).isTrue();
        assertThat(settings.cleanupInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.garbageCleanupInterval()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void leaseCleanUpTakesDurationsAndCanBeTurnedOff() {
        LeaseSettings settings = settings(new MapBasedConfig().with("lease-cleanup-enabled", false)
                .with("lease-cleanup-interval", "90s").with("garbage-lease-cleanup-interval", "PT2H"));
        assertThat(settings.cleanupEnabled()).isFalse();
        assertThat(settings.cleanupInterval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.garbageCleanupInterval()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void invalidCleanUpIntervalsNameTheAttributeAndTheValue() {
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("lease-cleanup-interval", "0s")))
                .hasMessageContaining("lease-cleanup-interval").hasMessageContaining("0s")
                .hasMessageContaining("orders");
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("garbage-lease-cleanup-interval", "soon")))
                .hasMessageContaining("garbage-lease-cleanup-interval").hasMessageContaining("soon");
    }

    @Test
    void gracefulHandOffIsOnWithTheKclsTimeoutByDefault() {
        LeaseSettings settings = settings(new MapBasedConfig().with("failover-time", "9s"));
        assertThat(settings.gracefulHandOff()).isTrue();
        assertThat(settings.handOffTimeout()).isEqualTo(Duration.ofSeconds(30));
        // the taker waits for the holder's limit, its last write (a renewal period) and the failover time
        assertThat(settings.handOffGiveUp()).isEqualTo(Duration.ofSeconds(30 + 3 + 9));
    }

    @Test
    void gracefulHandOffCanBeTurnedOffAndItsTimeoutSet() {
        LeaseSettings settings = settings(new MapBasedConfig().with("lease-graceful-handoff", false)
                .with("lease-handoff-timeout", "5s"));
        assertThat(settings.gracefulHandOff()).isFalse();
        assertThat(settings.handOffTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void anInvalidHandOffTimeoutNamesTheAttributeAndTheValue() {
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("lease-handoff-timeout", "-1s")))
                .hasMessageContaining("lease-handoff-timeout").hasMessageContaining("-1s")
                .hasMessageContaining("orders");
    }
}
