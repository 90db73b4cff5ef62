package io.quarkiverse.messaging.kinesis.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.quarkiverse.messaging.kinesis.emulator.i18n.EmulatorExceptions;
import io.quarkiverse.messaging.kinesis.emulator.i18n.EmulatorLogging;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * kinesis-mock (npm package {@code kinesis-local}) run by the machine's Node.js as a child process of the build (dev
 * mode, tests): plain HTTP on a loopback port, the streams created at startup. Installed with npm into a cache folder
 * on first use. The process exits with this JVM: a preloaded script ends it when its stdin (a pipe from this JVM)
 * closes, and {@link #close()} stops it and its descendants.
 */
public final class KinesisLocalProcess implements AutoCloseable {

    /**
     * What kinesis-mock is told and created.
     *
     * @param installTimeout how long the one-time npm install may take
     * @param npmRegistry the registry to install from; npm's configured one when empty
     */
    public record Settings(String node, String npm, Path cacheDir, String version, int port, String region,
            Map<String, Integer> streams, Duration startupTimeout, Duration installTimeout,
            Optional<String> npmRegistry) {

        /** The default install timeout (5 minutes), and npm's configured registry. */
        public Settings(String node, String npm, Path cacheDir, String version, int port, String region,
                Map<String, Integer> streams, Duration startupTimeout) {
            this(node, npm, cacheDir, version, port, region, streams, startupTimeout, DEFAULT_INSTALL_TIMEOUT,
                    Optional.empty());
        }
    }

    /** The default of quarkus.messaging.kinesis.devservices.install-timeout. */
    public static final Duration DEFAULT_INSTALL_TIMEOUT = Duration.ofMinutes(5);

    static final String ACCOUNT_ID = "000000000000";
    private static final int START_ATTEMPTS = 3;
    private static final Duration POLL = Duration.ofMillis(50);
    /** kinesis-mock's settings of how long a stream stays CREATING, DELETING, UPDATING... (500 ms by default). */
    private static final List<String> DURATIONS = List.of("CREATE_STREAM_DURATION", "DELETE_STREAM_DURATION",
            "UPDATE_SHARD_COUNT_DURATION", "MERGE_SHARDS_DURATION", "SPLIT_SHARD_DURATION", "UPDATE_STREAM_MODE_DURATION",
            "REGISTER_STREAM_CONSUMER_DURATION", "DEREGISTER_STREAM_CONSUMER_DURATION",
            "START_STREAM_ENCRYPTION_DURATION", "STOP_STREAM_ENCRYPTION_DURATION");
    /**
     * Preloaded into node: exits when this JVM goes away (stdin is a pipe from it) and at once on SIGTERM (kinesis-mock
     * closes its servers on SIGTERM but would stay alive). kinesis-mock replaces process.exit, hence the copy.
     */
    private static final String EXIT_WITH_PARENT_JS = """
            // preloaded by Dev Services for Kinesis (quarkus-messaging-kinesis)
            const exit = process.exit.bind(process);
            process.stdin.on('end', () => exit(0));
            process.stdin.on('error', () => exit(0));
            process.stdin.resume();
            process.on('SIGTERM', () => exit(143));
            """;

    private final Settings settings;
    private final String startedBy;
    private Process process;
    private int port;
    private Path logFile;

    /** Started by Dev Services. */
    public KinesisLocalProcess(Settings settings) {
        this(settings, "Dev Services for Kinesis");
    }

    /** @param startedBy who starts it, for its log line ({@code SRKIN1301}) */
    public KinesisLocalProcess(Settings settings, String startedBy) {
        this.settings = settings;
        this.startedBy = startedBy;
    }

    /** Installs kinesis-mock if needed, starts it and waits until it answers and its streams are ACTIVE. */
    public synchronized void start() {
        if (process != null) {
            return;
        }
        Path packageDir = new NpmPackageInstaller(settings.npm(), settings.cacheDir(), "kinesis-local",
                settings.version(), "main.js", settings.installTimeout(), settings.npmRegistry()).ensureInstalled();
        long started = System.nanoTime();
        for (int attempt = 1;; attempt++) {
            int[] ports = freePorts(settings.port() > 0 ? 1 : 2);
            port = settings.port() > 0 ? settings.port() : ports[1];
            int tlsPort = ports[0];
            logFile = EmulatorProcesses.newLogFile(settings.cacheDir(), "kinesis-local-");
            process = launch(packageDir, tlsPort);
            String failure = awaitReady();
            if (failure == null) {
                EmulatorLogging.log.emulatorStarted(startedBy, process.pid(), getConnectionInfo(),
                        Duration.ofNanos(System.nanoTime() - started).toMillis(), settings.region(),
                        settings.streams().toString(), logFile.toString());
                return;
            }
            stopProcess();
            String tail = EmulatorProcesses.tail(logFile, 30);
            if (attempt < START_ATTEMPTS && settings.port() <= 0 && tail.contains("EADDRINUSE")) {
                continue; // a chosen port was taken meanwhile
            }
            throw EmulatorExceptions.ex.emulatorStartFailed(failure, String.valueOf(logFile), tail);
        }
    }

    /** The emulator's endpoint, {@code http://localhost:<port>}. */
    public String getConnectionInfo() {
        return "http://localhost:" + port;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public Settings settings() {
        return settings;
    }

    /** The running process, for tests. */
    public synchronized ProcessHandle processHandle() {
        return process == null ? null : process.toHandle();
    }

    @Override
    public synchronized void close() {
        stopProcess();
    }

    private Process launch(Path packageDir, int tlsPort) {
        List<String> command = List.of(settings.node(), "--require",
                exitWithParentScript(settings.cacheDir()).toString(), "main.js");
        // main.js finds its TLS certificate (server.json) in the working directory, the package folder
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(packageDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("KINESIS_MOCK_") || name.equals("INITIALIZE_STREAMS"));
        env.put("KINESIS_MOCK_PLAIN_PORT", String.valueOf(port));
        env.put("KINESIS_MOCK_TLS_PORT", String.valueOf(tlsPort));
        env.put("SHARD_LIMIT", "1000");
        env.put("ON_DEMAND_STREAM_COUNT_LIMIT", "100");
        DURATIONS.forEach(variable -> env.put(variable, "0ms"));
        env.put("LOG_LEVEL", "WARN");
        env.put("AWS_REGION", settings.region());
        env.put("AWS_ACCOUNT_ID", ACCOUNT_ID);
        env.put("SHOULD_PERSIST_DATA", "false");
        env.put("LOAD_DATA_IF_EXISTS", "false");
        if (!settings.streams().isEmpty()) {
            // an empty INITIALIZE_STREAMS makes kinesis-mock exit
            env.put("INITIALIZE_STREAMS", settings.streams().entrySet().stream()
                    .map(stream -> stream.getKey() + ":" + stream.getValue())
                    .collect(Collectors.joining(",")));
        }
        try {
            return builder.start();
        } catch (IOException e) {
            throw EmulatorExceptions.ex.emulatorStartFailed("could not run " + command + " (" + e.getMessage()
                    + "); install Node.js 20+ or set quarkus.messaging.kinesis.devservices.node", String.valueOf(logFile),
                    "");
        }
    }

    /** @return {@code null} once the emulator answers and every stream is ACTIVE, else why not */
    private String awaitReady() {
        long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
        List<String> pending = new ArrayList<>(settings.streams().keySet());
        try (KinesisEmulatorClient emulator = new KinesisEmulatorClient(URI.create("http://127.0.0.1:" + port),
                settings.region())) {
            while (true) {
                if (!process.isAlive()) {
                    return "it exited with code " + process.exitValue() + " before answering";
                }
                try {
                    if (pending.isEmpty()) {
                        if (emulator.answers()) {
                            return null;
                        }
                    } else if (emulator.isActive(pending.get(0))) {
                        pending.remove(0);
                        continue;
                    }
                } catch (SdkException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    return "it did not answer, or create the streams " + pending + ", within "
                            + settings.startupTimeout().toSeconds() + " s";
                }
                try {
                    Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "the start was interrupted";
                }
            }
        }
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        Process stopping = process;
        process = null;
        EmulatorProcesses.stop(stopping);
    }

    /** The preloaded script that ends an emulator with this JVM, written into the cache folder. */
    static Path exitWithParentScript(Path cacheDir) {
        Path script = cacheDir.resolve("exit-with-parent.js");
        try {
            if (!Files.exists(script) || !Files.readString(script).equals(EXIT_WITH_PARENT_JS)) {
                // written aside and moved: a concurrent build never preloads a half-written file
                Path temp = Files.createTempFile(cacheDir, "exit-with-parent", ".tmp");
                Files.writeString(temp, EXIT_WITH_PARENT_JS);
                Files.move(temp, script, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Distinct free loopback ports (their sockets closed before returning). */
    public static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }
}
