package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;

/**
 * An incoming channel is attached to {@code smallrye-kinesis}, and the beans it looks up by @Identifier (failure
 * strategies, checkpoint stores) survive ArC's removal of unused beans. Nothing answers at the endpoint: the channel
 * is created, but neither started nor ready.
 */
class IncomingChannelTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersConsumer.class))
            .overrideConfigKey("mp.messaging.incoming.orders-in.region", "us-east-1")
            .overrideConfigKey("mp.messaging.incoming.orders-in.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("mp.messaging.incoming.orders-in.failure-strategy", "dead-letter-stream")
            .overrideConfigKey("mp.messaging.incoming.orders-in.dead-letter-stream", "orders-dlq")
            .overrideConfigKey("mp.messaging.incoming.orders-in.checkpoint-store", "in-memory");

    @Inject
    @Connector(KinesisConnector.CONNECTOR_NAME)
    KinesisConnector connector;

    @Test
    void channelIsAttachedToTheKinesisConnectorWithItsFailureStrategyAndCheckpointStore() {
        assertThat(ConfigProvider.getConfig().getValue("mp.messaging.incoming.orders-in.connector", String.class))
                .isEqualTo(KinesisConnector.CONNECTOR_NAME);
        HealthReport readiness = connector.getReadiness();
        assertThat(readiness.getChannels())
                .extracting(HealthReport.ChannelInfo::getChannel)
                .containsExactly(OrdersConsumer.CHANNEL);
        assertThat(readiness.isOk()).isFalse();
    }

    @Test
    void channelIsNotStartedWhileItCannotListItsShards() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HealthReport startup = connector.getStartup();
            assertThat(startup.isOk()).isFalse();
            assertThat(startup.getChannels()).singleElement().satisfies(info -> {
                assertThat(info.getChannel()).isEqualTo(OrdersConsumer.CHANNEL);
                assertThat(info.getMessage()).contains("first listing of the shards of stream 'orders-in'");
            });
        });
    }
}
