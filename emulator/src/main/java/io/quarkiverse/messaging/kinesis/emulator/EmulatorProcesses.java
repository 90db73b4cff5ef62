package io.quarkiverse.messaging.kinesis.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.quarkiverse.messaging.kinesis.emulator.i18n.EmulatorLogging;

/** What the emulator processes (kinesis-mock, dynalite) share: their log files, and how they are stopped. */
final class EmulatorProcesses {

    private static final int STOP_GRACE_SECONDS = 5;

    private EmulatorProcesses() {
    }

    /** A new log file under {@code <cache>/logs}. */
    static Path newLogFile(Path cacheDir, String prefix) {
        try {
            Path dir = Files.createDirectories(cacheDir.resolve("logs"));
            return Files.createTempFile(dir, prefix, ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of a log, for error messages. */
    static String tail(Path logFile, int lines) {
        try {
            List<String> all = Files.readString(logFile, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** SIGTERM to the process and its descendants, then SIGKILL to those still alive after a grace period. */
    static void stop(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                descendants.forEach(ProcessHandle::destroyForcibly);
                if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    EmulatorLogging.log.emulatorDidNotStop(process.pid());
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
