package io.quarkiverse.messaging.kinesis.emulator;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the emulators are installed and log to when no cache folder is configured. */
public final class EmulatorCache {

    private EmulatorCache() {
    }

    /** {@code ~/.cache/quarkus-messaging-kinesis}, or under the temporary folder when the home is not writable. */
    public static Path defaultDirectory() {
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank() && Files.isWritable(Path.of(home))) {
            return Path.of(home, ".cache", "quarkus-messaging-kinesis");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "quarkus-messaging-kinesis");
    }
}
