package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentLogging;
import io.quarkiverse.messaging.kinesis.emulator.KinesisEmulatorClient;
import io.quarkiverse.messaging.kinesis.emulator.i18n.EmulatorExceptions;
import io.quarkus.deployment.builditem.Startable;

/**
 * kinesis-mock as a container (the {@code container} provider), through Testcontainers: its plain HTTP port mapped
 * to a free host port, the streams created once it answers. Owned by Dev Services (kept across live reloads while its
 * settings are equal, closed with the application); Testcontainers' Ryuk removes it if this JVM dies.
 */
final class KinesisMockContainer implements Startable {

    /** What the container runs and creates. */
    record Settings(String image, String region, Map<String, Integer> streams, Duration startupTimeout) {
    }

    static final int PLAIN_PORT = 4568;

    private final Settings settings;
    private GenericContainer<?> container;

    KinesisMockContainer(Settings settings) {
        this.settings = settings;
    }

    @Override
    public synchronized void start() {
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
            throw EmulatorExceptions.ex.emulatorStartFailed("the container " + settings.image() + " did not start ("
                    + e.getMessage() + ")", "the container's output", "");
        }
        container = starting;
        String failure;
        try {
            try (KinesisEmulatorClient client = new KinesisEmulatorClient(URI.create(getConnectionInfo()),
                    settings.region())) {
                failure = client.createStreams(settings.streams(), settings.startupTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        if (failure != null) {
            String logs = container.getLogs();
            close();
            throw EmulatorExceptions.ex.emulatorStartFailed(failure, "the container's output", logs);
        }
        DeploymentLogging.log.devServicesContainerStarted(settings.image(), container.getContainerId(), getConnectionInfo(),
                Duration.ofNanos(System.nanoTime() - started).toMillis(), settings.region(),
                settings.streams().toString());
    }

    @Override
    public String getConnectionInfo() {
        return "http://" + container.getHost() + ":" + container.getMappedPort(PLAIN_PORT);
    }

    @Override
    public synchronized String getContainerId() {
        return container == null ? null : container.getContainerId();
    }

    @Override
    public synchronized void close() {
        if (container != null) {
            container.close();
            container = null;
        }
    }
}
