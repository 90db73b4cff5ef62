package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.util.function.BooleanSupplier;

import io.quarkiverse.messaging.kinesis.deployment.KinesisDevServicesBuildTimeConfig;
import io.quarkiverse.messaging.kinesis.deployment.KinesisDevServicesBuildTimeConfig.Provider;
import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentExceptions;
import io.quarkus.deployment.builditem.CuratedApplicationShutdownBuildItem;

/**
 * The container provider: whether it is chosen, and its container, kept across live reloads.
 */
final class KinesisMockContainers {

    private static final KeptEmulator<KinesisMockContainer.Settings, KinesisMockContainer> CONTAINER = new KeptEmulator<>(
            settings -> {
                KinesisMockContainer started = new KinesisMockContainer(settings);
                started.start();
                return started;
            }, KinesisMockContainer::isAlive, KinesisMockContainer::close);

    private KinesisMockContainers() {
    }

    /**
     * Whether the emulator runs as a container: asked for, or {@code auto} with a reachable runtime.
     *
     * @param runtimeReachable Quarkus's detection of Docker or Podman ({@code DockerStatusBuildItem}), asked only
     *        when the provider depends on it
     */
    static boolean chosen(KinesisDevServicesBuildTimeConfig.DevServices config, BooleanSupplier runtimeReachable) {
        if (config.provider() == Provider.CONTAINER) {
            if (!runtimeReachable.getAsBoolean()) {
                throw DeploymentExceptions.ex.containerRuntimeMissing();
            }
            return true;
        }
        return config.provider() == Provider.AUTO && runtimeReachable.getAsBoolean();
    }

    /** @return the endpoint of a running container with these settings */
    static String startOrReuse(KinesisMockContainer.Settings settings, CuratedApplicationShutdownBuildItem shutdown) {
        KinesisMockContainer container = CONTAINER.startOrReuse(settings);
        CONTAINER.stopWith(shutdown);
        return container.endpoint();
    }

    static void stop() {
        CONTAINER.stop();
    }
}
