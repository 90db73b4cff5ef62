package io.quarkiverse.messaging.kinesis.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkiverse.messaging.kinesis.emulator.i18n.EmulatorExceptions;
import io.quarkiverse.messaging.kinesis.emulator.i18n.EmulatorLogging;

/**
 * Installs an emulator's npm package (a pinned version: {@code kinesis-local}, {@code dynalite}) into
 * {@code <cache>/<package>-<version>} with {@code npm install --prefix}, once; concurrent builds wait on a file lock
 * rather than install twice. While npm runs, the elapsed time is logged every {@link InstallProgress#INTERVAL}.
 */
final class NpmPackageInstaller {

    /** npm's error codes when the registry cannot be reached (no network, no DNS, a proxy or mirror down). */
    private static final Pattern UNREACHABLE = Pattern.compile(
            "\\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|EHOSTUNREACH|ENETDOWN)\\b");
    private static final Pattern FAILED_REQUEST = Pattern.compile("request to (\\S+) failed");

    private final String npm;
    private final Path cacheDir;
    private final String version;
    private final String packageName;
    private final String mainFile;
    private final Duration timeout;
    private final Optional<String> registry;

    /**
     * @param mainFile a file of the package that exists once it is installed (its entry point)
     * @param registry the npm registry to install from; npm's configured one when empty
     */
    NpmPackageInstaller(String npm, Path cacheDir, String packageName, String version, String mainFile,
            Duration timeout, Optional<String> registry) {
        this.npm = npm;
        this.cacheDir = cacheDir;
        this.packageName = packageName;
        this.version = version;
        this.mainFile = mainFile;
        this.timeout = timeout;
        this.registry = registry;
    }

    /** @return the package folder, holding the main file */
    Path ensureInstalled() {
        Path prefix = cacheDir.resolve(packageName + "-" + version);
        Path packageDir = prefix.resolve("node_modules").resolve(packageName);
        if (Files.isRegularFile(packageDir.resolve(mainFile))) {
            return packageDir;
        }
        try {
            Files.createDirectories(prefix);
            try (FileChannel lockFile = FileChannel.open(cacheDir.resolve("install.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                if (!Files.isRegularFile(packageDir.resolve(mainFile))) {
                    install(prefix);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packageDir;
    }

    private void install(Path prefix) throws IOException {
        List<String> command = new ArrayList<>(List.of(npm, "install", "--prefix", prefix.toString(), "--no-audit",
                "--no-fund", "--no-save", "--loglevel=error"));
        registry.ifPresent(url -> command.add("--registry=" + url));
        command.add(packageName + "@" + version);
        Path output = EmulatorProcesses.newLogFile(cacheDir, "npm-install-" + packageName + "-");
        EmulatorLogging.log.installingEmulator(packageName, version, registry.orElse("npm's configured registry"),
                prefix.toString(), output.toString());
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command).directory(prefix.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw EmulatorExceptions.ex.emulatorInstallFailed(String.join(" ", command), "could not run",
                    String.valueOf(e.getMessage()));
        }
        InstallProgress progress = new InstallProgress(System::nanoTime, InstallProgress.INTERVAL, timeout,
                elapsed -> EmulatorLogging.log.installInProgress(packageName, version, elapsed.toSeconds(),
                        timeout.toSeconds(), output.toString()));
        try {
            if (!progress.await(nanos -> process.waitFor(nanos, TimeUnit.NANOSECONDS))) {
                EmulatorProcesses.stop(process);
                throw EmulatorExceptions.ex.emulatorInstallTimedOut(packageName, version, String.join(" ", command),
                        timeout.toSeconds(), output.toString(), EmulatorProcesses.tail(output, 20));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw EmulatorExceptions.ex.emulatorInstallFailed(String.join(" ", command), "was interrupted", "");
        }
        if (process.exitValue() != 0
                || !Files.isRegularFile(prefix.resolve("node_modules").resolve(packageName).resolve(mainFile))) {
            String all = EmulatorProcesses.tail(output, Integer.MAX_VALUE);
            String tail = EmulatorProcesses.tail(output, 20);
            if (UNREACHABLE.matcher(all).find()) {
                throw EmulatorExceptions.ex.emulatorPackageUnreachable(packageName, version, registryOf(all),
                        output.toString(), tail);
            }
            throw EmulatorExceptions.ex.emulatorInstallFailed(String.join(" ", command),
                    "exited with code " + process.exitValue(), tail);
        }
        EmulatorLogging.log.installed(packageName, version, Duration.ofNanos(System.nanoTime() - started).toSeconds());
        Files.deleteIfExists(output);
    }

    /** The registry npm tried: the failed request's URL, else the configured one. */
    private String registryOf(String npmOutput) {
        Matcher request = FAILED_REQUEST.matcher(npmOutput);
        if (request.find()) {
            return request.group(1);
        }
        return registry.orElse("npm's configured registry (npm config get registry)");
    }
}
