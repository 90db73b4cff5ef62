package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentExceptions;
import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentLogging;

/**
 * dynalite, a DynamoDB emulator kept in memory (npm package {@code dynalite}), run by the machine's Node.js as a
 * child process of the build, for the lease tables of {@code checkpoint-store=dynamodb} channels. Installed into the
 * Dev Services cache folder on first use; ends with this JVM as kinesis-mock does.
 */
final class DynaliteProcess implements AutoCloseable {

    /** What dynalite is run with. */
    record Settings(String node, String npm, Path cacheDir, String version, Duration startupTimeout,
            Duration installTimeout, Optional<String> npmRegistry) {
    }

    private static final int START_ATTEMPTS = 3;
    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private Process process;
    private int port;
    private Path logFile;

    DynaliteProcess(Settings settings) {
        this.settings = settings;
    }

    synchronized void start() {
        Path packageDir = new NpmPackageInstaller(settings.npm(), settings.cacheDir(), "dynalite", settings.version(),
                "cli.js", settings.installTimeout(), settings.npmRegistry()).ensureInstalled();
        long started = System.nanoTime();
        for (int attempt = 1;; attempt++) {
            port = KinesisLocalProcess.freePorts(1)[0];
            logFile = EmulatorProcesses.newLogFile(settings.cacheDir(), "dynalite-");
            // tables are created at once (--createTableMs 0): a channel does not wait for its lease table
            List<String> command = List.of(settings.node(), "--require",
                    KinesisLocalProcess.exitWithParentScript(settings.cacheDir()).toString(), "cli.js", "--host",
                    "127.0.0.1", "--port", String.valueOf(port), "--createTableMs", "0", "--deleteTableMs", "0",
                    "--updateTableMs", "0");
            try {
                process = new ProcessBuilder(command).directory(packageDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            } catch (IOException e) {
                throw DeploymentExceptions.ex.emulatorStartFailed("could not run " + command + " (" + e.getMessage()
                        + "); install Node.js 20+ or set quarkus.messaging.kinesis.devservices.node",
                        String.valueOf(logFile), "");
            }
            String failure = awaitReady();
            if (failure == null) {
                DeploymentLogging.log.dynaliteStarted(process.pid(), endpoint(),
                        Duration.ofNanos(System.nanoTime() - started).toMillis(), logFile.toString());
                return;
            }
            close();
            String tail = EmulatorProcesses.tail(logFile, 30);
            if (attempt < START_ATTEMPTS && tail.contains("EADDRINUSE")) {
                continue; // the chosen port was taken meanwhile
            }
            throw DeploymentExceptions.ex.emulatorStartFailed(failure, String.valueOf(logFile), tail);
        }
    }

    String endpoint() {
        return "http://localhost:" + port;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    private String awaitReady() {
        long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
        while (true) {
            if (!process.isAlive()) {
                return "dynalite exited with code " + process.exitValue() + " before answering";
            }
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port))
                        .timeout(Duration.ofSeconds(2))
                        .header("Content-Type", "application/x-amz-json-1.0")
                        .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                        .header("X-Amz-Date", "20250101T000000Z")
                        .header("Authorization", "AWS4-HMAC-SHA256 Credential=devservices/20250101/us-east-1/dynamodb"
                                + "/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
                if (http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return null;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "the start was interrupted";
            }
            if (System.nanoTime() > deadline) {
                return "dynalite did not answer within " + settings.startupTimeout().toSeconds() + " s";
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "the start was interrupted";
            }
        }
    }

    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        Process stopping = process;
        process = null;
        EmulatorProcesses.stop(stopping);
    }
}
