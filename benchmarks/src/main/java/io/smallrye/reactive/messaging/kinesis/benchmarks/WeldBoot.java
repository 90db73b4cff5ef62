package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigProviderResolver;
import io.smallrye.config.inject.ConfigExtension;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import io.smallrye.reactive.messaging.kinesis.checkpoint.InMemoryCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisFailStop;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisIgnoreFailure;
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
import io.vertx.core.Context;

/**
 * Starts SmallRye Reactive Messaging 4.33 with the connector in a Weld container, as the runtime's tests do, with
 * the given configuration properties and application beans.
 */
final class WeldBoot {

    private WeldBoot() {
    }

    static WeldContainer start(Map<String, String> properties, Class<?>... applicationBeans) {
        Infrastructure.setCanCallerThreadBeBlockedSupplier(() -> !Context.isOnEventLoopThread());
        installConfig(properties);
        Weld weld = new Weld("benchmark-" + System.nanoTime());
        weld.addExtension(new ConfigExtension());
        weld.addBeanClasses(MediatorFactory.class, MediatorManager.class, InternalChannelRegistry.class,
                ConnectorFactories.class, ConfiguredChannelFactory.class, ChannelProducer.class, ExecutionHolder.class,
                WorkerPoolRegistry.class, HealthCenter.class, Wiring.class, EmitterFactoryImpl.class,
                MutinyEmitterFactoryImpl.class, LegacyEmitterFactoryImpl.class, KinesisConnector.class,
                KinesisClients.class, KinesisFailStop.Factory.class, KinesisIgnoreFailure.Factory.class,
                InMemoryCheckpointStore.Factory.class);
        weld.addBeanClasses(applicationBeans);
        weld.addExtension(new ReactiveMessagingExtension());
        weld.disableDiscovery();
        return weld.initialize();
    }

    /** Shuts the container down and lets go of what the next one would otherwise replace: its config, its client. */
    static void stop(WeldContainer container) {
        if (container.isRunning()) {
            container.shutdown();
        }
        ClientBean.use(null);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            SmallRyeConfigProviderResolver.instance().releaseConfig(ConfigProvider.getConfig(loader));
        } catch (IllegalArgumentException | IllegalStateException none) {
            // none registered
        }
    }

    private static void installConfig(Map<String, String> properties) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            SmallRyeConfigProviderResolver.instance().releaseConfig(ConfigProvider.getConfig(loader));
        } catch (IllegalArgumentException | IllegalStateException none) {
            // no config registered yet
        }
        SmallRyeConfigProviderResolver.instance().registerConfig(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "benchmark", 500))
                .addDefaultInterceptors()
                .build(), loader);
    }
}
