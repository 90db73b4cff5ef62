package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.builder.BuildChainBuilder;
import io.quarkus.builder.BuildContext;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceBuildItem;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;

/**
 * checkpoint-store=dynamodb under Quarkus: the store is a bean, the lease table is named after the application by
 * default, and the DynamoDB SDK's interceptor list is a native-image resource.
 */
class LeaseTableDefaultsTest {

    static final String CHECKED = "kinesis.test.lease-build-items-checked";

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("quarkus.application.name", "orders-service")
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("quarkus.messaging.kinesis.health.stream-probe-interval", "0s")
            .addBuildChainCustomizer(checkResources());

    static Consumer<BuildChainBuilder> checkResources() {
        return chain -> chain.addBuildStep(LeaseTableDefaultsTest::check)
                .consumes(NativeImageResourceBuildItem.class)
                .produces(FeatureBuildItem.class)
                .build();
    }

    static void check(BuildContext context) {
        assertThat(context.consumeMulti(NativeImageResourceBuildItem.class))
                .flatExtracting(NativeImageResourceBuildItem::getResources)
                .contains("software/amazon/awssdk/services/dynamodb/execution.interceptors");
        System.setProperty(CHECKED, "true");
        context.produce(new FeatureBuildItem("kinesis-lease-build-items-checked"));
    }

    @Inject
    @Identifier("dynamodb")
    CheckpointStore.Factory dynamoDbStore;

    @Test
    void theLeaseTableIsNamedAfterTheApplicationAndTheStoreIsABean() {
        assertThat(ConfigProvider.getConfig()
                .getOptionalValue("mp.messaging.connector.smallrye-kinesis.application-name", String.class))
                .contains("orders-service");
        assertThat(dynamoDbStore).isNotNull();
        assertThat(System.getProperty(CHECKED)).isEqualTo("true");
    }
}
