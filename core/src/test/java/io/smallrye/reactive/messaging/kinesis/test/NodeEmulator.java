package io.smallrye.reactive.messaging.kinesis.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.jboss.logging.Logger;

/**
 * An emulator run as a Node.js child process from the project's {@code node_modules} (installed by {@code npm ci} at the
 * project root).
 * <p>
 * The process writes its stdout and stderr to a file under the module's {@code target/emulators/}; a failed start reports
 * the end of that file. Stop it with {@link #stop()}; a JVM shutdown hook kills it if a test never does, and the process
 * exits by itself when the JVM dies without running hooks (node is started with a preload script that exits when its
 * stdin, a pipe from this JVM, closes).
 */
public abstract class NodeEmulator implements AutoCloseable {

    /** Overrides where the emulators are installed; surefire and failsafe set it to {@code <root>/node_modules}. */
    public static final String EMULATORS_DIR_PROPERTY = "emulators.dir";
    /** Overrides the node executable ({@code node} on the PATH by default). */
    public static final String NODE_PROPERTY = "emulators.node";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final long STOP_GRACE_SECONDS = 5;
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;
    /**
     * Preloaded into node. Exits when the parent JVM goes away (stdin is a pipe from it), and exits at once on SIGTERM:
     * kinesis-mock (cats-effect) otherwise closes its servers on SIGTERM but stays alive (stdin keeps the event loop
     * busy). It also replaces {@code process.exit}, hence the original is kept.
     */
    private static final String EXIT_WITH_PARENT_JS = """
            // preloaded by the smallrye-kinesis tests (NodeEmulator)
            const exit = process.exit.bind(process);
            process.stdin.on('end', () => exit(0));
            process.stdin.on('error', () => exit(0));
            process.stdin.resume();
            process.on('SIGTERM', () => exit(143));
            """;
    private static final HttpClient PROBE_CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    private final String name;
    private final Logger log = Logger.getLogger(getClass());
    private Process process;
    private Path logFile;
    private Duration startupTime;

    protected NodeEmulator(String name) {
        this.name = name;
    }

    /** The package folder under {@code node_modules}, used as the working directory. */
    protected abstract String packageName();

    /** Picks the ports of the next start attempt (see {@link #freePorts(int)}). */
    protected abstract void choosePorts();

    /** The script and its arguments, given to node, relative to the package folder. */
    protected abstract List<String> arguments();

    /** Adjusts the environment of the process, a copy of this JVM's. */
    protected void configureEnvironment(Map<String, String> environment) {
    }

    /** Sends one real request; {@code true} if the emulator answered it as expected. May throw while not listening yet. */
    protected abstract boolean answers() throws Exception;

    /** Releases what was built on the running emulator (clients), before the process is stopped. */
    protected void beforeStop() {
    }

    /**
     * Starts the emulator and waits until it answers. Retries with other ports when the chosen ones were taken meanwhile.
     *
     * @throws IllegalStateException with the end of the emulator's log if it died or did not answer in time
     */
    public synchronized void start() {
        if (process != null) {
            throw new IllegalStateException(name + " is already running");
        }
        launchAndAwait(false);
    }

    /**
     * Kills the process with SIGKILL (no clean-up of its own, as in a crash) and its descendants; it keeps its ports for
     * {@link #restart()}. Does nothing if not running.
     */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        try {
            beforeStop();
        } finally {
            if (!ProcessReaper.kill(process)) {
                log.warnf("%s (pid %d) survived SIGKILL for 10 s", name, process.pid());
            }
            process = null;
        }
    }

    /**
     * Kills the process if it runs, then starts a new one on the same ports (clients configured with the old endpoint
     * reach the new process). The new process starts empty: an emulator kept in memory has lost every stream or table.
     */
    public synchronized void restart() {
        if (startupTime == null) {
            throw new IllegalStateException(name + " was never started");
        }
        kill();
        launchAndAwait(true);
    }

    private void launchAndAwait(boolean samePorts) {
        Path packageDir = packageDir(packageName());
        for (int attempt = 1;; attempt++) {
            if (!samePorts) {
                choosePorts();
            }
            logFile = newLogFile();
            long started = System.nanoTime();
            process = launch(packageDir);
            String failure = awaitAnswer();
            if (failure == null) {
                startupTime = Duration.ofNanos(System.nanoTime() - started);
                log.infof("%s started in %d ms (pid %d, log %s)", name, startupTime.toMillis(), process.pid(), logFile);
                return;
            }
            ProcessReaper.stop(process, STOP_GRACE_SECONDS);
            process = null;
            String tail = logTail();
            if (attempt < START_ATTEMPTS && tail.contains("EADDRINUSE")) {
                log.warnf("%s: port taken meanwhile, retrying with %s ports", name, samePorts ? "the same" : "other");
                LockSupport.parkNanos(POLL_INTERVAL.toNanos() * 10);
                continue;
            }
            throw new IllegalStateException(name + " " + failure + "; log " + logFile + " ends with:\n" + tail);
        }
    }

    /** Stops the process and its descendants: SIGTERM, then SIGKILL after a few seconds. Does nothing if not running. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        try {
            beforeStop();
        } finally {
            boolean gone = ProcessReaper.stop(process, STOP_GRACE_SECONDS);
            if (!gone) {
                log.warnf("%s (pid %d) did not stop", name, process.pid());
            }
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The running process, e.g. to check that it is gone after {@link #stop()}. */
    public synchronized ProcessHandle processHandle() {
        if (process == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return process.toHandle();
    }

    /** The log file of the last start, {@code null} before. */
    public synchronized Path logFile() {
        return logFile;
    }

    /** From launching node until the emulator answered, for the last start. */
    public synchronized Duration startupTime() {
        return startupTime;
    }

    /** Ports free on the loopback interface now (the sockets are closed before returning), all different. */
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

    /** POSTs an AWS JSON-protocol request, signed with a syntactically valid but fake signature; returns the status. */
    protected static HttpResponse<String> postAwsJson(URI endpoint, String service, String target, String contentType,
            String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(2))
                .header("Content-Type", contentType)
                .header("X-Amz-Target", target)
                .header("X-Amz-Date", "20250101T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=probe/20250101/us-east-1/" + service
                        + "/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return PROBE_CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** {@code emulators.dir}, else the first {@code node_modules} found walking up from the current directory. */
    static Path emulatorsDir() {
        String configured = System.getProperty(EMULATORS_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("node_modules");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No node_modules folder above " + Path.of("").toAbsolutePath()
                + ": run `npm ci` at the project root, or set -D" + EMULATORS_DIR_PROPERTY);
    }

    private static Path packageDir(String packageName) {
        Path dir = emulatorsDir().resolve(packageName);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("Emulator package not installed: " + dir
                    + ": run `npm ci` at the project root (package.json lists the emulators)");
        }
        return dir;
    }

    /** {@code target/emulators} of the module under test (surefire and failsafe set {@code basedir}). */
    static Path logDir() {
        Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("target").resolve("emulators");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path newLogFile() {
        try {
            return Files.createTempFile(logDir(), name + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Process launch(Path packageDir) {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty(NODE_PROPERTY, "node"));
        command.add("--require");
        command.add(exitWithParentScript().toString());
        command.addAll(arguments());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(packageDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        configureEnvironment(builder.environment());
        try {
            Process started = builder.start();
            ProcessReaper.register(started);
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + command + " (is Node.js 20+ on the PATH? or set -D"
                    + NODE_PROPERTY + ")", e);
        }
    }

    /** @return {@code null} once the emulator answers, else why it did not */
    private String awaitAnswer() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                return "exited with code " + process.exitValue() + " before answering";
            }
            if (answersQuietly() && process.isAlive()) {
                return null;
            }
            if (System.nanoTime() > deadline) {
                return "did not answer within " + STARTUP_TIMEOUT.toSeconds() + " s";
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return "start interrupted";
            }
        }
    }

    private boolean answersQuietly() {
        try {
            return answers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception notYet) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static Path exitWithParentScript() {
        return script("exit-with-parent.js", EXIT_WITH_PARENT_JS);
    }

    /** A script file under {@link #logDir()} with this content, e.g. to preload into node with --require. */
    static Path script(String fileName, String content) {
        Path script = logDir().resolve(fileName);
        try {
            if (!Files.exists(script) || !Files.readString(script).equals(content)) {
                // written aside and moved, so that a concurrent test JVM never preloads a half-written file
                Path temp = Files.createTempFile(script.getParent(), fileName, ".tmp");
                Files.writeString(temp, content);
                Files.move(temp, script, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
