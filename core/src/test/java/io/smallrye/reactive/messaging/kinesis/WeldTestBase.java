package io.smallrye.reactive.messaging.kinesis;

import jakarta.enterprise.inject.spi.BeanManager;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.spi.ConnectorLiteral;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigProviderResolver;
import io.smallrye.config.inject.ConfigExtension;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kinesis.checkpoint.InMemoryCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynamoDbCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisDeadLetterStream;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisFailStop;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisIgnoreFailure;
import io.smallrye.reactive.messaging.kinesis.incoming.StringPayloadConverter;
import io.smallrye.reactive.messaging.providers.MediatorFactory;
import io.smallrye.reactive.messaging.providers.connectors.ExecutionHolder;
import io.smallrye.reactive.messaging.providers.connectors.WorkerPoolRegistry;
import io.smallrye.reactive.messaging.providers.extension.ChannelProducer;
import io.smallrye.reactive.messaging.providers.extension.EmitterFactoryImpl;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import io.smallrye.reactive.messaging.providers.extension.LegacyEmitterFactoryImpl;
import io.smallrye.reactive.messaging.providers.extension.MediatorManager;
import io.smallrye.reactive.messaging.providers.extension.MutinyEmitterFactoryImpl;
import io.smallrye.reactive.messaging.providers.extension.ReactiveMessagingExtension;
import io.smallrye.reactive.messaging.providers.impl.ConfiguredChannelFactory;
import io.smallrye.reactive.messaging.providers.impl.ConnectorFactories;
import io.smallrye.reactive.messaging.providers.impl.InternalChannelRegistry;
import io.smallrye.reactive.messaging.providers.wiring.Wiring;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import io.vertx.core.Context;

/**
 * Runs the connector in a Weld container with SmallRye Reactive Messaging, outside Quarkus: the connector core
 * must work on any SmallRye host.
 */
public abstract class WeldTestBase {

    protected Weld weld;
    protected WeldContainer container;

    @BeforeAll
    static void setupMutiny() {
        Infrastructure.setCanCallerThreadBeBlockedSupplier(() -> !Context.isOnEventLoopThread());
    }

    @BeforeEach
    void initWeld() {
        weld = new Weld();
        weld.addExtension(new ConfigExtension());
        weld.addBeanClass(MediatorFactory.class);
        weld.addBeanClass(MediatorManager.class);
        weld.addBeanClass(InternalChannelRegistry.class);
        weld.addBeanClass(ConnectorFactories.class);
        weld.addBeanClass(ConfiguredChannelFactory.class);
        weld.addBeanClass(ChannelProducer.class);
        weld.addBeanClass(ExecutionHolder.class);
        weld.addBeanClass(WorkerPoolRegistry.class);
        weld.addBeanClass(HealthCenter.class);
        weld.addBeanClass(Wiring.class);
        weld.addExtension(new ReactiveMessagingExtension());
        weld.addBeanClass(EmitterFactoryImpl.class);
        weld.addBeanClass(MutinyEmitterFactoryImpl.class);
        weld.addBeanClass(LegacyEmitterFactoryImpl.class);

        weld.addBeanClass(KinesisConnector.class);
        weld.addBeanClass(KinesisClients.class);
        // incoming channels: failure strategies and checkpoint stores chosen by @Identifier, String payloads
        weld.addBeanClass(KinesisFailStop.Factory.class);
        weld.addBeanClass(KinesisIgnoreFailure.Factory.class);
        weld.addBeanClass(KinesisDeadLetterStream.Factory.class);
        weld.addBeanClass(InMemoryCheckpointStore.Factory.class);
        weld.addBeanClass(DynamoDbCheckpointStore.Factory.class);
        weld.addBeanClass(StringPayloadConverter.class);
        weld.disableDiscovery();
    }

    @AfterEach
    void stopContainer() {
        if (container != null && container.isRunning()) {
            container.shutdown();
        }
        MapBasedConfig.cleanup();
    }

    protected void addBeans(Class<?>... beans) {
        weld.addBeanClasses(beans);
    }

    protected BeanManager getBeanManager() {
        return container.getBeanManager();
    }

    protected <T> T get(Class<T> type) {
        return getBeanManager().createInstance().select(type).get();
    }

    /** The connector bean (it is qualified with {@code @Connector}). */
    protected KinesisConnector connector() {
        return getBeanManager().createInstance()
                .select(KinesisConnector.class, ConnectorLiteral.of(KinesisConnector.CONNECTOR_NAME)).get();
    }

    protected void runApplication(MapBasedConfig config) {
        config.write();
        installConfig();
        container = weld.initialize();
    }

    /** Registers a fresh SmallRye Config that reads the properties MapBasedConfig just wrote. */
    private static void installConfig() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            SmallRyeConfigProviderResolver.instance().releaseConfig(ConfigProvider.getConfig(loader));
        } catch (IllegalArgumentException | IllegalStateException none) {
            // no config registered yet
        }
        SmallRyeConfigProviderResolver.instance().registerConfig(
                new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors().build(), loader);
    }

    protected <T> T runApplication(MapBasedConfig config, Class<T> type) {
        weld.addBeanClass(type);
        runApplication(config);
        return get(type);
    }
}
