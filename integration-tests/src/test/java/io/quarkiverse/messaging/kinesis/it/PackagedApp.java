package io.quarkiverse.messaging.kinesis.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.smallrye.reactive.messaging.kinesis.test.NodeEmulator;

/**
 * The packaged orders application ({@code target/quarkus-app/quarkus-run.jar}) run as a child process of this JVM, with
 * the same {@code java} binary, on a free loopback port; its stdout and stderr go to a file under {@code target/}.
 * Used by the shutdown test and the demo, which need to send the application a real SIGTERM.
 */
final class PackagedApp implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Thread killOnExit;

    private PackagedApp(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        // a test or demo that dies half-way must not leave the application running
        this.killOnExit = new Thread(process::destroyForcibly, "kill-orders-app");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** The module folder: {@code basedir} as set by failsafe (and by the demo's exec), else the working directory. */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }

    static Path jar() {
        Path jar = moduleDir().resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: package the integration-tests module first");
        }
        return jar;
    }

    /**
     * Launches the application with these system properties (plus {@code quarkus.http.port} and {@code host}), and
     * waits until its HTTP port answers.
     */
    static PackagedApp start(String name, Map<String, String> properties) {
        for (int attempt = 1;; attempt++) {
            PackagedApp app = launch(name, properties);
            try {
                app.awaitHttp();
                return app;
            } catch (RuntimeException e) {
                app.close();
                // the free port was taken between choosing it and the application binding it: try another one
                if (attempt < 3 && e.getMessage().contains("in use")) {
                    continue;
                }
                throw e;
            }
        }
    }

    private static PackagedApp launch(String name, Map<String, String> properties) {
        int port = NodeEmulator.freePorts(1)[0];
        Path logFile = moduleDir().resolve("target").resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Map<String, String> all = new LinkedHashMap<>();
        all.put("quarkus.http.host", "127.0.0.1");
        all.put("quarkus.http.port", String.valueOf(port));
        all.putAll(properties);
        all.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar().toString());
        try {
            Files.createDirectories(logFile.getParent());
            Process process = new ProcessBuilder(command)
                    .directory(moduleDir().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            return new PackagedApp(process, port, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command, e);
        }
    }

    private void awaitHttp() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The application exited with code " + process.exitValue()
                        + " before answering; " + logTail(60));
            }
            try {
                if (get("/orders/stats").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The application did not answer on port " + port + " within "
                        + STARTUP_TIMEOUT.toSeconds() + " s; " + logTail(60));
            }
            sleep(100);
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    HttpResponse<String> post(String pathAndQuery, String contentType, String body) throws IOException {
        return send(HttpRequest.newBuilder(uri(pathAndQuery))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * Sends SIGTERM and waits for the process to exit.
     *
     * @return the exit code, or {@code null} if it did not exit in time (it is then killed forcibly)
     */
    Integer terminate(Duration timeout) {
        process.destroy();
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return null;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Kills the application with SIGKILL (kill -9): no shutdown hook, no flush, no release. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The application survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the application's output, for failure messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readString(logFile, StandardCharsets.UTF_8).lines().toList();
            return "log " + logFile + " ends with:\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log " + logFile + " unreadable: " + e + ")";
        }
    }

    /** Kills the application if still running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
