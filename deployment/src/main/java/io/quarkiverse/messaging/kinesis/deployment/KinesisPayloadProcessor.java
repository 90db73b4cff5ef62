package io.quarkiverse.messaging.kinesis.deployment;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.jandex.DotName;

import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentLogging;
import io.quarkus.arc.deployment.UnremovableBeanBuildItem;
import io.quarkus.bootstrap.classloading.QuarkusClassLoader;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigurationDefaultBuildItem;
import io.quarkus.smallrye.reactivemessaging.deployment.items.ChannelDirection;
import io.quarkus.smallrye.reactivemessaging.deployment.items.ConnectorManagedChannelBuildItem;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;

/**
 * Sets the payload-type of the Kinesis channels from the application's signatures ({@link PayloadTypeDiscovery}), as
 * a configuration default: a payload-type the application sets on the channel wins. When the application sets it for
 * the whole connector ({@code mp.messaging.connector.smallrye-kinesis.payload-type}), nothing is detected, since a
 * channel-level default would hide it.
 */
class KinesisPayloadProcessor {

    static final String ATTRIBUTE = "payload-type";
    static final String OBJECT_MAPPER = "com.fasterxml.jackson.databind.ObjectMapper";

    @BuildStep
    void detectPayloadTypes(CombinedIndexBuildItem index, List<ConnectorManagedChannelBuildItem> channels,
            BuildProducer<RunTimeConfigurationDefaultBuildItem> defaults) {
        if (configured("mp.messaging.connector." + KinesisConnector.CONNECTOR_NAME + "." + ATTRIBUTE).isPresent()) {
            return;
        }
        PayloadTypeDiscovery discovery = new PayloadTypeDiscovery(index.getIndex(), jacksonPresent(),
                KinesisPayloadProcessor::batch);
        produce(discovery.incoming(), ChannelDirection.INCOMING, channels, defaults);
        discovery.notLists().forEach((channel, signature) -> {
            if (isKinesis(channel, ChannelDirection.INCOMING, "incoming", channels)) {
                DeploymentLogging.log.batchChannelWithoutList(channel, signature);
            }
        });
        produce(discovery.outgoing(), ChannelDirection.OUTGOING, channels, defaults);
    }

    /** The application's ObjectMapper is looked up programmatically by the connector: ArC must keep it. */
    @BuildStep
    void keepObjectMapper(BuildProducer<UnremovableBeanBuildItem> unremovable) {
        if (jacksonPresent()) {
            unremovable.produce(UnremovableBeanBuildItem.beanTypes(DotName.createSimple(OBJECT_MAPPER)));
        }
    }

    private static void produce(Map<String, Map<String, String>> found, ChannelDirection direction,
            List<ConnectorManagedChannelBuildItem> channels, BuildProducer<RunTimeConfigurationDefaultBuildItem> defaults) {
        String prefix = direction == ChannelDirection.INCOMING ? "incoming" : "outgoing";
        found.forEach((channel, types) -> {
            if (!isKinesis(channel, direction, prefix, channels)) {
                return;
            }
            if (types.size() > 1) {
                DeploymentLogging.log.payloadTypesDisagree(channel, prefix, types.toString(), prefix, channel);
                return;
            }
            Map.Entry<String, String> type = types.entrySet().iterator().next();
            DeploymentLogging.log.payloadTypeDetected(channel, prefix, type.getKey(), type.getValue());
            defaults.produce(new RunTimeConfigurationDefaultBuildItem(key(prefix, channel), type.getKey()));
        });
    }

    /** Attached to the Kinesis connector: by configuration, or automatically as the only connector. */
    private static boolean isKinesis(String channel, ChannelDirection direction, String prefix,
            List<ConnectorManagedChannelBuildItem> channels) {
        boolean managed = channels.stream().anyMatch(item -> item.getDirection() == direction
                && item.getName().equals(channel) && KinesisConnector.CONNECTOR_NAME.equals(item.getConnector()));
        return managed || configured(channelPrefix(prefix, channel) + "connector")
                .filter(KinesisConnector.CONNECTOR_NAME::equals).isPresent();
    }

    /** Whether the incoming channel has batch=true (on the channel, or for the whole connector). */
    private static boolean batch(String channel) {
        return configured(channelPrefix("incoming", channel) + "batch")
                .or(() -> configured("mp.messaging.connector." + KinesisConnector.CONNECTOR_NAME + ".batch"))
                .map(value -> Boolean.parseBoolean(value.trim())).orElse(false);
    }

    static String key(String prefix, String channel) {
        return channelPrefix(prefix, channel) + ATTRIBUTE;
    }

    private static String channelPrefix(String prefix, String channel) {
        String name = channel.contains(".") ? '"' + channel + '"' : channel;
        return "mp.messaging." + prefix + "." + name + ".";
    }

    private static Optional<String> configured(String key) {
        return ConfigProvider.getConfig().getOptionalValue(key, String.class);
    }

    private static boolean jacksonPresent() {
        return QuarkusClassLoader.isClassPresentAtRuntime(OBJECT_MAPPER);
    }
}
