package io.quarkiverse.messaging.kinesis.deployment;

import io.quarkiverse.messaging.kinesis.runtime.KinesisMessagingBuildTimeConfig;
import io.quarkiverse.messaging.kinesis.runtime.MicrometerKinesisMetrics;
import io.quarkiverse.messaging.kinesis.runtime.QuarkusKinesisClientSettings;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.processor.DotNames;
import io.quarkus.bootstrap.classloading.QuarkusClassLoader;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigurationDefaultBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ServiceProviderBuildItem;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import io.smallrye.reactive.messaging.kinesis.checkpoint.InMemoryCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClientSettings;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisDeadLetterStream;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisFailStop;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisIgnoreFailure;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.incoming.StringPayloadConverter;

class KinesisMessagingProcessor {

    static final String FEATURE = "messaging-kinesis";

    /** The connector-level default of the outgoing channels' shutdown flush in dev and test mode. */
    static final String SHUTDOWN_TIMEOUT_KEY = "mp.messaging.connector." + KinesisConnector.CONNECTOR_NAME
            + ".shutdown-timeout";
    /**
     * Dev and test mode restart the application often (live reload, one start per test profile): the flush at
     * shutdown is short there, as Kafka's graceful shutdown is off there. Production keeps the attribute's 10s.
     */
    static final String DEV_SHUTDOWN_TIMEOUT = "1s";
    static final String HEALTH_ENABLED_KEY = "mp.messaging.connector." + KinesisConnector.CONNECTOR_NAME
            + ".health-enabled";
    static final String SDK_ASYNC_HTTP_SERVICE = "software.amazon.awssdk.http.async.SdkAsyncHttpService";
    static final String NETTY_HTTP_SERVICE = "software.amazon.awssdk.http.nio.netty.NettySdkAsyncHttpService";

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    /** Also checks the HTTP client choice, here because this step always runs. */
    @BuildStep
    AdditionalBeanBuildItem connectorBeans(KinesisMessagingBuildTimeConfig config) {
        checkHttpClient(config);
        return AdditionalBeanBuildItem.builder()
                .addBeanClasses(KinesisConnector.class, KinesisClients.class, QuarkusKinesisClientSettings.class)
                // incoming channels: failure strategies and checkpoint stores chosen by @Identifier, String payloads
                .addBeanClasses(KinesisFailStop.Factory.class, KinesisIgnoreFailure.Factory.class,
                        KinesisDeadLetterStream.Factory.class, InMemoryCheckpointStore.Factory.class,
                        StringPayloadConverter.class)
                .setUnremovable()
                .build();
    }

    @BuildStep
    void shortShutdownFlushInDevAndTest(LaunchModeBuildItem launchMode,
            BuildProducer<RunTimeConfigurationDefaultBuildItem> defaults) {
        if (launchMode.getLaunchMode() != LaunchMode.NORMAL) {
            // a default: the connector-level or channel-level attribute set by the application wins
            defaults.produce(new RunTimeConfigurationDefaultBuildItem(SHUTDOWN_TIMEOUT_KEY, DEV_SHUTDOWN_TIMEOUT));
        }
    }

    /** Micrometer metrics of the channels, only when quarkus-micrometer is present and metrics are enabled. */
    @BuildStep
    void metrics(KinesisMessagingBuildTimeConfig config, Capabilities capabilities,
            BuildProducer<AdditionalBeanBuildItem> beans) {
        // quarkus-micrometer provides the capability io.quarkus.metrics; the registry class tells it from others
        if (config.metrics().enabled() && capabilities.isPresent(Capability.METRICS)
                && QuarkusClassLoader.isClassPresentAtRuntime("io.micrometer.core.instrument.MeterRegistry")) {
            beans.produce(AdditionalBeanBuildItem.builder().addBeanClasses(MicrometerKinesisMetrics.class)
                    .setDefaultScope(DotNames.SINGLETON).setUnremovable().build());
        }
    }

    /**
     * quarkus.messaging.kinesis.health.enabled=false: no channel reports to the health checks (the default of their
     * health-enabled attribute becomes false, a channel may still turn it on) and no stream is probed.
     */
    @BuildStep
    void healthDefault(KinesisMessagingBuildTimeConfig config, BuildProducer<RunTimeConfigurationDefaultBuildItem> defaults) {
        if (!config.health().enabled()) {
            defaults.produce(new RunTimeConfigurationDefaultBuildItem(HEALTH_ENABLED_KEY, "false"));
        }
    }

    /**
     * The SDK's HTTP client service provider, for the native image's ServiceLoader. The CRT client is an optional
     * dependency: its absence is reported at build time rather than at the first channel.
     */
    @BuildStep
    ServiceProviderBuildItem httpClientServiceProvider(KinesisMessagingBuildTimeConfig config) {
        checkHttpClient(config);
        return new ServiceProviderBuildItem(SDK_ASYNC_HTTP_SERVICE,
                config.httpClient().type() == KinesisMessagingBuildTimeConfig.HttpClientType.CRT
                        ? KinesisClientSettings.CRT_HTTP_SERVICE
                        : NETTY_HTTP_SERVICE);
    }

    private static void checkHttpClient(KinesisMessagingBuildTimeConfig config) {
        if (config.httpClient().type() == KinesisMessagingBuildTimeConfig.HttpClientType.CRT
                && !isPresent(KinesisClientSettings.CRT_HTTP_SERVICE)) {
            throw KinesisExceptions.ex.crtHttpClientMissing("quarkus.messaging.kinesis.http-client.type");
        }
    }

    static boolean isPresent(String className) {
        try {
            Class.forName(className, false, Thread.currentThread().getContextClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
