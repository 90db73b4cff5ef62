package io.quarkiverse.messaging.kinesis.deployment;

import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;

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
                .setUnremovable()
                .build();
    }
}
