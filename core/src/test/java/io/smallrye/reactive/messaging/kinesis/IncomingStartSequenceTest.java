package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.IncomingFaultsTest.Collector;
import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The calls a polling channel makes before its first read, against {@link ScriptedKinesis}: the shards are listed while
 * the stream is described, and that listing is used only when the stream was readable at once.
 */
class IncomingStartSequenceTest extends ScriptedKinesisTestBase {

    @Test
    void theShardsAreListedWhileTheStreamIsDescribedAndThatListingStartsTheReaders() {
        kinesis.addShard("shardId-000000000000").withRecords(3);
        kinesis.holdDescribe();
        Collector app = runApplication(config(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.listShardsCalls() == 1);
        assertThat(kinesis.describeCalls()).isEqualTo(1);
        assertThat(app.received()).isEmpty();

        kinesis.releaseDescribe();

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() == 3);
        assertThat(kinesis.listShardsCalls()).isEqualTo(1);
    }

    @Test
    void aStreamNotReadableAtTheFirstAnswerIsListedAgainOnceItIs() {
        kinesis.addShard("shardId-000000000000").withRecords(3);
        kinesis.statuses(StreamStatus.CREATING);
        Collector app = runApplication(config(), Collector.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() == 3);
        // the listing made while the stream was CREATING is not trusted: one more after it became ACTIVE
        assertThat(kinesis.describeCalls()).isEqualTo(2);
        assertThat(kinesis.listShardsCalls()).isEqualTo(2);
    }

    private static MapBasedConfig config() {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.scripted-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.scripted-in.stream", "scripted-stream")
                .with("mp.messaging.incoming.scripted-in.client-bean", ClientBean.IDENTIFIER)
                .with("mp.messaging.incoming.scripted-in.starting-position", "trim_horizon");
    }
}
