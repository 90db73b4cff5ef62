package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentExceptions;
import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentLogging;

/**
 * Installs an emulator's npm package (a pinned version: {@code kinesis-local}, {@code dynalite}) into
 * {@code <cache>/<package>-<version>} with {@code npm install --prefix}, once; concurrent builds wait on a file lock
 * rather than install twice.
 */
final class NpmPackageInstaller {

    private static final long INSTALL_TIMEOUT_MINUTES = 5;

    private final String npm;
    private final Path cacheDir;
    private final String version;
    private final String packageName;
    private final String mainFile;

    /**
     * @param mainFile a file of the package that exists once it is installed (its entry point)
     */
    NpmPackageInstaller(String npm, Path cacheDir, String packageName, String version, String mainFile) {
        this.npm = npm;
        this.cacheDir = cacheDir;
        this.packageName = packageName;
        this.version = version;
        this.mainFile = mainFile;
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
        DeploymentLogging.log.installingEmulator(packageName, version, prefix.toString());
        List<String> command = List.of(npm, "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund",
                "--no-save", "--loglevel=error", packageName + "@" + version);
        Path output = Files.createTempFile(cacheDir, "npm-install-", ".log");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(prefix.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw DeploymentExceptions.ex.emulatorInstallFailed(String.join(" ", command), "could not run",
                    String.valueOf(e.getMessage()));
        }
        try {
            if (!process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw DeploymentExceptions.ex.emulatorInstallFailed(String.join(" ", command),
                        "did not finish within " + INSTALL_TIMEOUT_MINUTES + " minutes", tail(output));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw DeploymentExceptions.ex.emulatorInstallFailed(String.join(" ", command), "was interrupted", "");
        }
        if (process.exitValue() != 0
                || !Files.isRegularFile(prefix.resolve("node_modules").resolve(packageName).resolve(mainFile))) {
            throw DeploymentExceptions.ex.emulatorInstallFailed(String.join(" ", command),
                    "exited with code " + process.exitValue(), tail(output));
        }
        Files.deleteIfExists(output);
    }

    private static String tail(Path output) {
        try {
            List<String> lines = Files.readString(output, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
