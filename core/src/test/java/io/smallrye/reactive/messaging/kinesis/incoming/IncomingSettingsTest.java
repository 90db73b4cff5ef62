package io.smallrye.reactive.messaging.kinesis.incoming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

class IncomingSettingsTest {

    @AfterEach
    void cleanup() {
        MapBasedConfig.cleanup();
    }

    private static IncomingSettings settings(MapBasedConfig config) {
        return IncomingSettings.from(new KinesisConnectorIncomingConfiguration(config.with("channel-name", "orders")));
    }

    @Test
    void defaultsReadFromLatestAndPollEvery200Milliseconds() {
        IncomingSettings settings = settings(new MapBasedConfig());
        assertThat(settings.stream()).isEqualTo("orders");
        assertThat(settings.startingPosition()).isEqualTo(StartingPosition.LATEST);
        assertThat(settings.pollInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.maxRecords()).isEqualTo(10_000);
        assertThat(settings.maxPendingRecords()).isEqualTo(1_000);
        assertThat(settings.recordsPerCall()).isEqualTo(1_000);
        assertThat(settings.shardDiscoveryInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.lostPositionStrategy()).isEqualTo(LostPositionStrategy.TRIM_HORIZON);
    }

    @Test
    void lostPositionStrategyTakesTrimHorizonLatestOrFail() {
        assertThat(settings(new MapBasedConfig().with("lost-position-strategy", "LATEST")).lostPositionStrategy())
                .isEqualTo(LostPositionStrategy.LATEST);
        assertThat(settings(new MapBasedConfig().with("lost-position-strategy", "fail")).lostPositionStrategy())
                .isEqualTo(LostPositionStrategy.FAIL);
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("lost-position-strategy", "earliest")))
                .hasMessageContaining("lost-position-strategy").hasMessageContaining("earliest")
                .hasMessageContaining("trim_horizon").hasMessageContaining("latest").hasMessageContaining("fail");
    }

    @Test
    void atTimestampTakesAnInstantOrEpochMilliseconds() {
        assertThat(settings(new MapBasedConfig().with("starting-position", "AT_TIMESTAMP")
                .with("starting-timestamp", "2024-05-01T12:00:00Z")).startingTimestamp())
                .isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
        assertThat(settings(new MapBasedConfig().with("starting-position", "at_timestamp")
                .with("starting-timestamp", "1714564800000")).startingTimestamp())
                .isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
    }

    @Test
    void invalidValuesNameTheAttributeAndWhatIsAllowed() {
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("starting-position", "at_timestamp")))
                .hasMessageContaining("starting-timestamp").hasMessageContaining("orders");
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("starting-timestamp", "2024-05-01T12:00:00Z")))
                .hasMessageContaining("starting-position").hasMessageContaining("at_timestamp");
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("starting-position", "earliest")))
                .hasMessageContaining("starting-position").hasMessageContaining("trim_horizon");
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("max-records", 20_000)))
                .hasMessageContaining("max-records").hasMessageContaining("1 to 10000");
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("poll-interval", "soon")))
                .hasMessageContaining("poll-interval");
    }

    @Test
    void streamsListsSeveralStreamsInTheirOrder() {
        IncomingSettings settings = settings(new MapBasedConfig().with("streams",
                " orders-eu , arn:aws:kinesis:us-east-1:123456789012:stream/orders-us"));
        assertThat(settings.streams()).containsExactly("orders-eu",
                "arn:aws:kinesis:us-east-1:123456789012:stream/orders-us");
        assertThat(settings.multiStream()).isTrue();
        assertThat(settings.stream()).isEqualTo("orders-eu");
        assertThat(settings.forStream("orders-us").stream()).isEqualTo("orders-us");
        assertThat(settings(new MapBasedConfig().with("stream", "one")).streams()).containsExactly("one");
        assertThat(settings(new MapBasedConfig().with("stream", "one")).multiStream()).isFalse();
    }

    @Test
    void streamAndStreamsTogetherAreRefusedNamingBoth() {
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("stream", "a").with("streams", "b,c")))
                .hasMessageContaining("'orders'").hasMessageContaining("streams").hasMessageContaining("b,c")
                .hasMessageContaining("stream is set (a)");
    }

    @Test
    void aStreamListedTwiceOrAnEmptyEntryIsRefused() {
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("streams", "a, b, a")))
                .hasMessageContaining("streams").hasMessageContaining("'a' is listed twice");
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("streams", "a,,b")))
                .hasMessageContaining("streams").hasMessageContaining("without empty entries");
    }

    @Test
    void aConsumerArnCannotServeSeveralStreams() {
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("streams", "a,b").with("consumer-mode", "fan-out")
                .with("consumer-arn", "arn:aws:kinesis:us-east-1:123456789012:stream/a/consumer/billing:1700000000")))
                .hasMessageContaining("consumer-arn").hasMessageContaining("streams")
                .hasMessageContaining("consumer-name");
        assertThat(settings(new MapBasedConfig().with("streams", "a,b").with("consumer-mode", "fan-out")).fanOut()
                .consumerName()).isEqualTo("orders");
    }
}
