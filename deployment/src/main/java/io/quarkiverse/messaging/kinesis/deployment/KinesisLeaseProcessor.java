package io.quarkiverse.messaging.kinesis.deployment;

import io.quarkus.arc.deployment.UnremovableBeanBuildItem;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.RunTimeConfigurationDefaultBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceBuildItem;

/**
 * What {@code checkpoint-store=dynamodb} needs from Quarkus: the lease table is named after the application by
 * default (as a KCL application's), and the DynamoDB client works in a native image.
 */
class KinesisLeaseProcessor {

    static final String APPLICATION_NAME_KEY = "mp.messaging.connector.smallrye-kinesis.application-name";
    static final String DYNAMODB_INTERCEPTORS = "software/amazon/awssdk/services/dynamodb/execution.interceptors";

    /** Channels with no application-name of their own use the application's name (empty: the channel name). */
    @BuildStep
    RunTimeConfigurationDefaultBuildItem applicationNameDefault() {
        return new RunTimeConfigurationDefaultBuildItem(APPLICATION_NAME_KEY, "${quarkus.application.name:}");
    }

    @BuildStep
    NativeImageResourceBuildItem dynamoDbInterceptors() {
        return new NativeImageResourceBuildItem(DYNAMODB_INTERCEPTORS);
    }

    /** dynamodb-client-bean looks the client up programmatically. */
    @BuildStep
    UnremovableBeanBuildItem dynamoDbClientBeans() {
        return UnremovableBeanBuildItem.beanTypes(
                org.jboss.jandex.DotName.createSimple("software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient"));
    }
}
