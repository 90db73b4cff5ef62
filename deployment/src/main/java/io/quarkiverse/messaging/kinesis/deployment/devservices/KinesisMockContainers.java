package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.util.function.BooleanSupplier;

import io.quarkiverse.messaging.kinesis.deployment.KinesisDevServicesBuildTimeConfig;
import io.quarkiverse.messaging.kinesis.deployment.KinesisDevServicesBuildTimeConfig.Provider;
import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentExceptions;

/**
 * The container provider: whether it is chosen.
 */
final class KinesisMockContainers {

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
}
