package io.quarkiverse.messaging.kinesis.deployment.devservices;

import io.quarkiverse.messaging.kinesis.deployment.KinesisDevServicesBuildTimeConfig;
import io.quarkiverse.messaging.kinesis.deployment.KinesisDevServicesBuildTimeConfig.Provider;
import io.quarkus.deployment.builditem.CuratedApplicationShutdownBuildItem;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;

/**
 * The container provider's lifecycle: the container of the previous build is kept across live reloads while its
 * settings stay the same, and stopped with the application.
 */
final class KinesisMockContainers {

    private static KinesisMockContainer running;
    private static KinesisMockContainer.Settings runningSettings;
    private static boolean closeTaskRegistered;

    private KinesisMockContainers() {
    }

    /** Whether the emulator runs as a container: asked for, or {@code auto} with a reachable runtime. */
    static boolean chosen(KinesisDevServicesBuildTimeConfig.DevServices config) {
        if (config.provider() == Provider.CONTAINER) {
            if (!ContainerRuntime.reachable()) {
                throw KinesisExceptions.ex.containerRuntimeMissing();
            }
            return true;
        }
        return config.provider() == Provider.AUTO && ContainerRuntime.reachable();
    }

    /** @return the endpoint of a running container with these settings */
    static synchronized String startOrReuse(KinesisMockContainer.Settings settings,
            CuratedApplicationShutdownBuildItem shutdown) {
        if (running == null || !settings.equals(runningSettings) || !running.isAlive()) {
            stop();
            KinesisMockContainer started = new KinesisMockContainer(settings);
            started.start();
            running = started;
            runningSettings = settings;
        }
        if (!closeTaskRegistered) {
            closeTaskRegistered = true;
            shutdown.addCloseTask(() -> {
                stop();
                synchronized (KinesisMockContainers.class) {
                    closeTaskRegistered = false;
                }
            }, true);
        }
        return running.endpoint();
    }

    static synchronized void stop() {
        if (running != null) {
            running.close();
            running = null;
            runningSettings = null;
        }
    }
}
