package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.microprofile.config.Config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorOutgoingConfiguration;
import io.smallrye.reactive.messaging.kinesis.outgoing.OutgoingSettings;
import io.smallrye.reactive.messaging.providers.impl.ConnectorConfig;

/** Outgoing channel settings read the way SmallRye Reactive Messaging reads them, defaults included. */
final class ChannelSettings {

    private ChannelSettings() {
    }

    /** @param attributes connector attributes of the channel, e.g. {@code aggregation=true} */
    static OutgoingSettings outgoing(String channel, Map<String, String> attributes) {
        Map<String, String> properties = new HashMap<>();
        properties.put("mp.messaging.outgoing." + channel + ".connector", KinesisConnector.CONNECTOR_NAME);
        attributes.forEach((name, value) -> properties.put("mp.messaging.outgoing." + channel + "." + name, value));
        Config overall = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "benchmark", 500))
                .build();
        Config channelConfig = new ConnectorConfig("mp.messaging.outgoing.", overall, KinesisConnector.CONNECTOR_NAME,
                channel) {
        };
        return OutgoingSettings.from(new KinesisConnectorOutgoingConfiguration(channelConfig));
    }
}
