package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.builder.BuildChainBuilder;
import io.quarkus.builder.BuildContext;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ServiceProviderBuildItem;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The build items a native image needs, checked where the native build cannot run: the SDK's interceptor lists as
 * resources, the Netty SdkAsyncHttpService as service provider, the SDK classes that hold a Random initialized at
 * run time, and the payload classes of the Kinesis channels' signatures registered for reflection. The checks run
 * inside a build step (it sees the build items); it leaves a system property behind to prove it ran.
 */
class NativeBuildItemsTest {

    static final String CHECKED = "kinesis.test.native-build-items-checked";

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(PayloadApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("quarkus.messaging.kinesis.health.stream-probe-interval", "0s")
            .addBuildChainCustomizer(checkNativeBuildItems());

    static Consumer<BuildChainBuilder> checkNativeBuildItems() {
        return chain -> chain.addBuildStep(NativeBuildItemsTest::check)
                .consumes(NativeImageResourceBuildItem.class)
                .consumes(ServiceProviderBuildItem.class)
                .consumes(RuntimeInitializedClassBuildItem.class)
                .consumes(ReflectiveClassBuildItem.class)
                .produces(FeatureBuildItem.class)
                .build();
    }

    static void check(BuildContext context) {
        List<String> resources = context.consumeMulti(NativeImageResourceBuildItem.class).stream()
                .flatMap(item -> item.getResources().stream()).toList();
        assertThat(resources).contains("software/amazon/awssdk/global/handlers/execution.interceptors",
                "software/amazon/awssdk/services/kinesis/execution.interceptors");

        assertThat(context.consumeMulti(ServiceProviderBuildItem.class))
                .anySatisfy(item -> {
                    assertThat(item.serviceDescriptorFile())
                            .endsWith("software.amazon.awssdk.http.async.SdkAsyncHttpService");
                    assertThat(item.providers()).contains("software.amazon.awssdk.http.nio.netty.NettySdkAsyncHttpService");
                });

        assertThat(context.consumeMulti(RuntimeInitializedClassBuildItem.class))
                .extracting(RuntimeInitializedClassBuildItem::getClassName)
                .contains("software.amazon.awssdk.core.retry.backoff.FullJitterBackoffStrategy",
                        "software.amazon.awssdk.utils.cache.CachedSupplier");

        List<ReflectiveClassBuildItem> reflective = context.consumeMulti(ReflectiveClassBuildItem.class);
        for (Class<?> payload : List.of(PayloadApp.OrderPlaced.class, PayloadApp.OrderShipped.class)) {
            assertThat(reflective).as("reflection for %s", payload.getName())
                    .anySatisfy(item -> {
                        assertThat(item.getClassNames()).contains(payload.getName());
                        assertThat(item.isMethods()).isTrue();
                        assertThat(item.isFields()).isTrue();
                    });
        }
        for (String credentials : List.of(
                "software.amazon.awssdk.services.sts.internal.StsWebIdentityCredentialsProviderFactory",
                "software.amazon.awssdk.services.sts.internal.StsProfileCredentialsProviderFactory",
                "software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider",
                "software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider")) {
            assertThat(reflective).as("reflection for %s", credentials)
                    .anySatisfy(item -> assertThat(item.getClassNames()).contains(credentials));
        }
        // the build step runs in the deployment class loader: a system property is what both sides see
        System.setProperty(CHECKED, "true");
        context.produce(new FeatureBuildItem("kinesis-native-build-items-checked"));
    }

    @Test
    void theBuildStepCheckedTheNativeBuildItems() {
        assertThat(System.getProperty(CHECKED)).isEqualTo("true");
    }
}
