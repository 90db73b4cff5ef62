package io.quarkiverse.messaging.kinesis.deployment;

import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import io.smallrye.reactive.messaging.kinesis.checkpoint.InMemoryCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisDeadLetterStream;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisFailStop;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisIgnoreFailure;
import io.smallrye.reactive.messaging.kinesis.incoming.StringPayloadConverter;

class KinesisMessagingProcessor {

    static final String FEATURE = "messaging-kinesis";

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    @BuildStep
    AdditionalBeanBuildItem connectorBeans() {
        return AdditionalBeanBuildItem.builder()
                .addBeanClasses(KinesisConnector.class, KinesisClients.class)
                // incoming channels: failure strategies and checkpoint stores chosen by @Identifier, String payloads
                .addBeanClasses(KinesisFailStop.Factory.class, KinesisIgnoreFailure.Factory.class,
                        KinesisDeadLetterStream.Factory.class, InMemoryCheckpointStore.Factory.class,
                        StringPayloadConverter.class)
                .setUnremovable()
                .build();
    }
}
