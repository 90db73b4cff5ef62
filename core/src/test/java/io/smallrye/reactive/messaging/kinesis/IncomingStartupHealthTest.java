package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.IncomingFaultsTest.Collector;
import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/** The startup check of an incoming channel against {@link ScriptedKinesis}: down while the first listing stalls. */
class IncomingStartupHealthTest extends ScriptedKinesisTestBase {

    @Test
    void aChannelWhoseFirstShardListingStallsIsNotStartedUntilTheListingAnswers() {
        kinesis.addShard("shardId-000000000000").withRecords(3);
        kinesis.holdListShards();
        Collector app = runApplication(new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.scripted-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.scripted-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.scripted-in.starting-position", "trim_horizon"), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.listShardsCalls() > 0);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            HealthReport startup = connector().getStartup();
            assertThat(startup.isOk()).isFalse();
            assertThat(startup.getChannels()).singleElement().satisfies(info -> {
                assertThat(info.getChannel()).isEqualTo("scripted-in");
                assertThat(info.getMessage()).contains("first listing of the shards").contains("scripted-stream");
            });
        });
        assertThat(get(HealthCenter.class).getStartup().isOk()).isFalse();
        assertThat(app.received()).isEmpty();

        kinesis.releaseListShards();

        await().atMost(Duration.ofSeconds(10)).until(() -> connector().getStartup().isOk());
        assertThat(connector().getStartup().getChannels()).singleElement()
                .satisfies(info -> assertThat(info.getChannel()).isEqualTo("scripted-in"));
        assertThat(get(HealthCenter.class).getStartup().isOk()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() == 3);
    }

    @Test
    void aChannelWithHealthDisabledIsLeftOutOfTheStartupCheck() {
        kinesis.addShard("shardId-000000000000");
        kinesis.holdListShards();
        runApplication(new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.scripted-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.scripted-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.scripted-in.health-enabled", "false"), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.listShardsCalls() > 0);
        assertThat(connector().getStartup().getChannels()).isEmpty();
        kinesis.releaseListShards();
    }
}
