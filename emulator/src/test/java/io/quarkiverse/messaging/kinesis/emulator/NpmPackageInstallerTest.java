package io.quarkiverse.messaging.kinesis.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-time npm install of an emulator when it cannot succeed: the error says why and what to do. */
class NpmPackageInstallerTest {

    @TempDir
    Path cacheDir;

    @Test
    void anUnreachableRegistryNamesThePackageAndHowToUseAMirror() throws IOException {
        String registry = "http://127.0.0.1:" + closedPort() + "/";
        // npm retries an unreachable registry for about 70 s by default; not in this test
        Path prefix = Files.createDirectories(cacheDir.resolve("kinesis-local-0.6.2"));
        Files.writeString(prefix.resolve(".npmrc"), "fetch-retries=0\n");
        NpmPackageInstaller installer = new NpmPackageInstaller("npm", cacheDir, "kinesis-local", "0.6.2", "main.js",
                Duration.ofMinutes(2), Optional.of(registry));

        assertThatThrownBy(installer::ensureInstalled)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SRKIN2370")
                .hasMessageContaining("kinesis-local@0.6.2")
                .hasMessageContaining(registry)
                .hasMessageContaining("npm config set registry")
                .hasMessageContaining("npm_config_registry")
                .hasMessageContaining("quarkus.messaging.kinesis.devservices.npm-registry")
                .hasMessageContaining("quarkus.messaging.kinesis.devservices.provider=container")
                .hasMessageContaining("ECONNREFUSED");
    }

    @Test
    void anInstallPastTheTimeoutIsStoppedAndNamesTheSetting() throws IOException {
        Path npm = cacheDir.resolve("slow-npm.sh");
        Files.writeString(npm, "#!/bin/sh\necho resolving packages\nexec sleep 60\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwx------"));
        NpmPackageInstaller installer = new NpmPackageInstaller(npm.toString(), cacheDir, "dynalite", "4.0.0",
                "cli.js", Duration.ofSeconds(1), Optional.empty());

        long started = System.nanoTime();
        assertThatThrownBy(installer::ensureInstalled)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SRKIN2371")
                .hasMessageContaining("dynalite@4.0.0")
                .hasMessageContaining("within 1 s")
                .hasMessageContaining("quarkus.messaging.kinesis.devservices.install-timeout")
                .hasMessageContaining("resolving packages");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("the install was stopped, not waited for").isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aFailedInstallThatIsNotAboutTheNetworkKeepsTheGenericMessage() throws IOException {
        Path npm = cacheDir.resolve("failing-npm.sh");
        Files.writeString(npm, "#!/bin/sh\necho 'npm error code ETARGET'\nexit 1\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwx------"));
        NpmPackageInstaller installer = new NpmPackageInstaller(npm.toString(), cacheDir, "dynalite", "4.0.0",
                "cli.js", Duration.ofMinutes(1), Optional.empty());

        assertThatThrownBy(installer::ensureInstalled)
                .hasMessageContaining("SRKIN2303")
                .hasMessageContaining("exited with code 1")
                .hasMessageContaining("ETARGET")
                .hasMessageNotContaining("SRKIN2370");
    }

    @Test
    void aSlowInstallReportsItsElapsedTimeAndWhereTheOutputIs() throws IOException {
        Path npm = cacheDir.resolve("slow-npm.sh");
        // npm install --prefix <prefix> ...: $3 is the prefix
        Files.writeString(npm, "#!/bin/sh\nsleep 11\nmkdir -p \"$3/node_modules/dynalite\"\n"
                + "touch \"$3/node_modules/dynalite/cli.js\"\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwx------"));
        NpmPackageInstaller installer = new NpmPackageInstaller(npm.toString(), cacheDir, "dynalite", "4.0.0",
                "cli.js", Duration.ofMinutes(1), Optional.empty());
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(new SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.quarkiverse.messaging.kinesis.emulator");
        logger.addHandler(handler);
        try {
            assertThat(installer.ensureInstalled()).isEqualTo(cacheDir.resolve("dynalite-4.0.0/node_modules/dynalite"));
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("SRKIN1370", "installing dynalite 4.0.0",
                "10 s elapsed", "stopped after 60 s", cacheDir.resolve("logs").toString()));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("SRKIN1371", "installed dynalite 4.0.0"));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
