package io.smallrye.reactive.messaging.kinesis.incoming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

class FanOutSettingsTest {

    static final String CONSUMER_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/billing:1700000000";

    @AfterEach
    void cleanup() {
        MapBasedConfig.cleanup();
    }

    private static IncomingSettings settings(MapBasedConfig config) {
        return IncomingSettings.from(new KinesisConnectorIncomingConfiguration(config.with("channel-name", "orders")));
    }

    @Test
    void pollingIsTheDefaultAndHasNoFanOutSettings() {
        IncomingSettings settings = settings(new MapBasedConfig());
        assertThat(settings.consumerMode()).isEqualTo(ConsumerMode.POLLING);
        assertThat(settings.fanOut()).isNull();
    }

    @Test
    void fanOutConsumerNameDefaultsToTheApplicationNameThenTheChannelName() {
        FanOutSettings channelNamed = settings(new MapBasedConfig().with("consumer-mode", "fan-out")).fanOut();
        assertThat(channelNamed.consumerName()).isEqualTo("orders");
        assertThat(channelNamed.consumerArn()).isNull();
        assertThat(channelNamed.deregisterOnStop()).isFalse();

        FanOutSettings appNamed = settings(new MapBasedConfig().with("consumer-mode", "FAN-OUT")
                .with("application-name", "billing-app")).fanOut();
        assertThat(appNamed.consumerName()).isEqualTo("billing-app");

        FanOutSettings named = settings(new MapBasedConfig().with("consumer-mode", "fan-out")
                .with("application-name", "billing-app").with("consumer-name", "billing.v2")
                .with("consumer-deregister-on-stop", true)).fanOut();
        assertThat(named.consumerName()).isEqualTo("billing.v2");
        assertThat(named.deregisterOnStop()).isTrue();
    }

    @Test
    void aConsumerArnIsUsedAsItIs() {
        FanOutSettings fanOut = settings(new MapBasedConfig().with("consumer-mode", "fan-out")
                .with("consumer-arn", CONSUMER_ARN)).fanOut();
        assertThat(fanOut.consumerArn()).isEqualTo(CONSUMER_ARN);
        assertThat(fanOut.consumerName()).isNull();
    }

    @Test
    void invalidValuesNameTheAttribute() {
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("consumer-mode", "push")))
                .hasMessageContaining("consumer-mode").hasMessageContaining("push").hasMessageContaining("fan-out");
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("consumer-mode", "fan-out")
                .with("consumer-name", "my consumer")))
                .hasMessageContaining("consumer-name").hasMessageContaining("my consumer")
                .hasMessageContaining("1 to 128");
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("consumer-mode", "fan-out")
                .with("consumer-arn", "billing")))
                .hasMessageContaining("consumer-arn").hasMessageContaining("billing")
                .hasMessageContaining("arn:aws:kinesis:");
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("consumer-mode", "fan-out")
                .with("consumer-arn", CONSUMER_ARN).with("consumer-name", "billing")))
                .hasMessageContaining("consumer-name").hasMessageContaining("consumer-arn");
    }

    @Test
    void fanOutAttributesOnAPollingChannelAreRefused() {
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("consumer-name", "billing")))
                .hasMessageContaining("consumer-mode").hasMessageContaining("consumer-name")
                .hasMessageContaining("fan-out");
        assertThatThrownBy(() -> settings(new MapBasedConfig().with("consumer-mode", "polling")
                .with("consumer-arn", CONSUMER_ARN)))
                .hasMessageContaining("consumer-arn");
    }
}
