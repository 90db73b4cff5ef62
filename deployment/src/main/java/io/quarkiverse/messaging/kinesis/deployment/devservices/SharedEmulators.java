package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

import io.quarkiverse.messaging.kinesis.emulator.KinesisEmulatorClient;

/**
 * Where dev-mode applications find an emulator to share: a file per service name in {@code <cache-dir>/shared},
 * written by the application that started the emulator and removed when it stops it. A registration counts only
 * while its process is alive and the emulator answers, so one left behind by a killed JVM is ignored (and
 * replaced).
 */
public final class SharedEmulators {

    /**
     * A registered emulator: the process running it, its endpoint, the region it was started for, and the application
     * that owns it (its Dev Services application instance id, stable across live reloads; empty when unknown).
     */
    public record Registration(long pid, String endpoint, String region, String owner) {

        public Registration(long pid, String endpoint, String region) {
            this(pid, endpoint, region, "");
        }
    }

    private final Path directory;

    public SharedEmulators(Path cacheDir) {
        this.directory = cacheDir.resolve("shared");
    }

    /** The live emulator registered under the name, if any. */
    public Optional<Registration> find(String serviceName) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file(serviceName), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            return Optional.empty(); // none registered
        }
        try {
            Registration registration = new Registration(Long.parseLong(properties.getProperty("pid")),
                    properties.getProperty("endpoint"), properties.getProperty("region"),
                    properties.getProperty("owner", ""));
            boolean alive = ProcessHandle.of(registration.pid()).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) {
                return Optional.empty();
            }
            try (KinesisEmulatorClient client = new KinesisEmulatorClient(URI.create(registration.endpoint()),
                    registration.region())) {
                return client.answers() ? Optional.of(registration) : Optional.empty();
            }
        } catch (RuntimeException e) {
            return Optional.empty(); // incomplete or foreign file
        }
    }

    /** Registers an emulator under the name, replacing any earlier registration. */
    public void register(String serviceName, Registration registration) {
        Properties properties = new Properties();
        properties.setProperty("pid", String.valueOf(registration.pid()));
        properties.setProperty("endpoint", registration.endpoint());
        properties.setProperty("region", registration.region());
        properties.setProperty("owner", registration.owner());
        try {
            Files.createDirectories(directory);
            // written aside and moved: a reader never sees half a file
            Path temp = Files.createTempFile(directory, serviceName, ".tmp");
            try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                properties.store(writer, "Dev Services for Kinesis: an emulator shared by dev-mode applications");
            }
            Files.move(temp, file(serviceName), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the registration under the name if it is that process's (another may have replaced it). */
    public void unregister(String serviceName, long pid) {
        Path file = file(serviceName);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
            if (String.valueOf(pid).equals(properties.getProperty("pid"))) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // nothing registered, or not readable: nothing to remove
        }
    }

    Path file(String serviceName) {
        return directory.resolve(serviceName + ".properties");
    }
}
