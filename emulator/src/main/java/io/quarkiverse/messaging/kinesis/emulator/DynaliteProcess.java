package io.quarkiverse.messaging.kinesis.emulator;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkiverse.messaging.kinesis.emulator.i18n.EmulatorExceptions;
import io.quarkiverse.messaging.kinesis.emulator.i18n.EmulatorLogging;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * dynalite, a DynamoDB emulator kept in memory (npm package {@code dynalite}), run by the machine's Node.js as a
 * child process of the build, for the lease tables of {@code checkpoint-store=dynamodb} channels. Installed into the
 * Dev Services cache folder on first use; ends with this JVM as kinesis-mock does.
 */
public final class DynaliteProcess implements AutoCloseable {

    /** What dynalite is run with. */
    public record Settings(String node, String npm, Path cacheDir, String version, Duration startupTimeout,
            Duration installTimeout, Optional<String> npmRegistry) {
    }

    private static final int START_ATTEMPTS = 3;
    private final Settings settings;
    private Process process;
    private int port;
    private Path logFile;

    public DynaliteProcess(Settings settings) {
        this.settings = settings;
    }

    public synchronized void start() {
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
                throw EmulatorExceptions.ex.emulatorStartFailed("could not run " + command + " (" + e.getMessage()
                        + "); install Node.js 20+ or set quarkus.messaging.kinesis.devservices.node",
                        String.valueOf(logFile), "");
            }
            String failure = awaitReady();
            if (failure == null) {
                EmulatorLogging.log.dynaliteStarted(process.pid(), endpoint(),
                        Duration.ofNanos(System.nanoTime() - started).toMillis(), logFile.toString());
                return;
            }
            close();
            String tail = EmulatorProcesses.tail(logFile, 30);
            if (attempt < START_ATTEMPTS && tail.contains("EADDRINUSE")) {
                continue; // the chosen port was taken meanwhile
            }
            throw EmulatorExceptions.ex.emulatorStartFailed(failure, String.valueOf(logFile), tail);
        }
    }

    /** {@code http://localhost:<port>} */
    public String endpoint() {
        return "http://localhost:" + port;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** @return {@code null} once dynalite answers ListTables, else why not */
    private String awaitReady() {
        long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("emulator-access-key-id", "emulator-secret-access-key")))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(Duration.ofSeconds(2)).build())
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            while (true) {
                if (!process.isAlive()) {
                    return "dynalite exited with code " + process.exitValue() + " before answering";
                }
                try {
                    dynamoDb.listTables(request -> request.limit(1));
                    return null;
                } catch (SdkException notYet) {
                    // not listening yet
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
