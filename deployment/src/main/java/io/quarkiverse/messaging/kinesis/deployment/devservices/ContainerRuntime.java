package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.testcontainers.DockerClientFactory;

/**
 * Whether a container runtime (Docker, or Podman with its Docker-compatible socket) is reachable, for the
 * {@code auto} provider. A cheap look for a socket or a DOCKER_HOST comes first, so that machines without any
 * runtime are not slowed down (or their logs filled) by Testcontainers' full search.
 */
final class ContainerRuntime {

    private static volatile Boolean reachable;

    private ContainerRuntime() {
    }

    static boolean reachable() {
        Boolean known = reachable;
        if (known == null) {
            known = mayExist() && DockerClientFactory.instance().isDockerAvailable();
            reachable = known;
        }
        return known;
    }

    /** A DOCKER_HOST, a Testcontainers configuration or a well-known socket: a runtime may answer. */
    private static boolean mayExist() {
        if (System.getenv("DOCKER_HOST") != null) {
            return true;
        }
        String home = System.getProperty("user.home", "");
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        List<Path> candidates = new java.util.ArrayList<>(List.of(Path.of("/var/run/docker.sock"),
                Path.of(home, ".docker", "run", "docker.sock"), Path.of(home, ".testcontainers.properties"),
                Path.of(home, ".colima", "default", "docker.sock"), Path.of(home, ".rd", "docker.sock")));
        if (runtimeDir != null) {
            candidates.add(Path.of(runtimeDir, "podman", "podman.sock"));
            candidates.add(Path.of(runtimeDir, "docker.sock"));
        }
        return candidates.stream().anyMatch(Files::exists);
    }
}
