package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentExceptions;
import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentLogging;

/**
 * kinesis-mock as a container (the {@code container} provider), through Testcontainers: its plain HTTP port mapped
 * to a free host port, the streams created once it answers. Testcontainers' Ryuk removes it if this JVM dies.
 */
final class KinesisMockContainer implements AutoCloseable {

    /** What the container runs and creates. */
    record Settings(String image, String region, Map<String, Integer> streams, Duration startupTimeout) {
    }

    static final int PLAIN_PORT = 4568;

    private final Settings settings;
    private GenericContainer<?> container;

    KinesisMockContainer(Settings settings) {
        this.settings = settings;
    }

    synchronized void start() {
        long started = System.nanoTime();
        GenericContainer<?> starting = new GenericContainer<>(DockerImageName.parse(settings.image()))
                .withExposedPorts(PLAIN_PORT)
                .withEnv("KINESIS_MOCK_PLAIN_PORT", String.valueOf(PLAIN_PORT))
                .withEnv("SHARD_LIMIT", "1000")
                .withEnv("AWS_REGION", settings.region())
                .withEnv("LOG_LEVEL", "WARN")
                .withEnv("CREATE_STREAM_DURATION", "0ms")
                .waitingFor(Wait.forListeningPort().withStartupTimeout(settings.startupTimeout()));
        try {
            starting.start();
        } catch (RuntimeException e) {
            starting.close();
            throw DeploymentExceptions.ex.emulatorStartFailed("the container " + settings.image() + " did not start ("
                    + e.getMessage() + ")", "the container's output", "");
        }
        container = starting;
        String failure;
        try {
            failure = new EmulatorRequests(URI.create(endpoint()), settings.region())
                    .createStreams(settings.streams(), settings.startupTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        if (failure != null) {
            String logs = container.getLogs();
            close();
            throw DeploymentExceptions.ex.emulatorStartFailed(failure, "the container's output", logs);
        }
        DeploymentLogging.log.devServicesContainerStarted(settings.image(), container.getContainerId(), endpoint(),
                Duration.ofNanos(System.nanoTime() - started).toMillis(), settings.region(),
                settings.streams().toString());
    }

    String endpoint() {
        return "http://" + container.getHost() + ":" + container.getMappedPort(PLAIN_PORT);
    }

    synchronized boolean isAlive() {
        return container != null && container.isRunning();
    }

    @Override
    public synchronized void close() {
        if (container != null) {
            container.close();
            container = null;
        }
    }
}
