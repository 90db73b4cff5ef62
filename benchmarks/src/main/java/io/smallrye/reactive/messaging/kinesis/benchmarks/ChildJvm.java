package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the app part runs as a child process: the packaged benchmark application ({@code app/target/quarkus-app}) or a
 * reference client ({@link ReferenceClient}, on this JVM's class path). It talks through {@code BENCH <word>
 * name=value ...} lines on its stdout (all its output also goes to {@code target/app-run/<name>.log}) and words on its
 * stdin. Its CPU time is read from {@code /proc}: the process and its descendants (the KPL's native daemon).
 */
final class ChildJvm implements AutoCloseable {

    /** Linux's USER_HZ, the unit of utime/stime in /proc/<pid>/stat (100 on every usual kernel build). */
    private static final double CLOCK_TICKS_PER_SECOND = 100;

    /** The benchmark application the app part runs (this module's build unless {@code app-jar} names another). */
    private static Path application = Path.of("app", "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> benchLines = new LinkedBlockingQueue<>();
    private volatile Map<String, String> progress = Map.of();
    private final Path log;
    private final Thread reader;

    private ChildJvm(String name, List<String> command) {
        this.name = name;
        log = Path.of("target", "app-run", name + ".log");
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command, e);
        }
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        reader = new Thread(this::readOutput, "child-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Uses another build of the benchmark application from now on (argument {@code app-jar}): e.g. one built from an
     * earlier commit, for a before/after table whose references run in the same invocation as each side.
     */
    static void measureApplication(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("app-jar: " + jar + " is not a file (a quarkus-app/quarkus-run.jar)");
        }
        application = jar.toAbsolutePath();
    }

    /** The packaged benchmark application with these system properties. */
    static ChildJvm app(String name, Map<String, String> properties) {
        Path jar = application;
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: build with -Pbenchmarks -pl benchmarks -am package");
        }
        return new ChildJvm(name, command(properties, List.of("-jar", jar.toString())));
    }

    /** A {@link ReferenceClient} in a JVM of its own, on this JVM's class path. */
    static ChildJvm reference(String name, Map<String, String> properties) {
        return new ChildJvm(name, command(properties, List.of("-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-cp", System.getProperty("java.class.path"), ReferenceClient.class.getName())));
    }

    private static List<String> command(Map<String, String> properties, List<String> tail) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // the emulators need CBOR off (kinesalite) and take any credentials
        command.add("-Daws.cborEnabled=false");
        // e.g. a JFR recording per child: BENCH_CHILD_JVM_OPTIONS="-XX:StartFlightRecording=filename=target/%p.jfr"
        String extra = System.getenv("BENCH_CHILD_JVM_OPTIONS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(tail);
        return command;
    }

    private void readOutput() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer file = Files.newBufferedWriter(log)) {
            String line;
            while ((line = out.readLine()) != null) {
                file.write(line);
                file.write('\n');
                if (line.startsWith("BENCH PROGRESS ")) {
                    progress = fields(line);
                    file.flush();
                } else if (line.startsWith("BENCH ")) {
                    benchLines.add(line);
                    file.flush();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The fields of the next {@code BENCH <word>} line (earlier lines of other words are skipped). */
    Map<String, String> await(String word, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() - deadline < 0) {
                String line = benchLines.poll(200, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith("BENCH " + word)) {
                    return fields(line);
                }
                if (line == null && !process.isAlive() && !outputPending()) {
                    throw new IllegalStateException(name + " exited (" + process.exitValue() + ") before BENCH "
                            + word + "; see " + log.toAbsolutePath());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException(name + ": no BENCH " + word + " within " + timeout + "; see "
                + log.toAbsolutePath());
    }

    /** Whether output of an exited process may still come: its last lines not read yet. */
    private boolean outputPending() throws InterruptedException {
        reader.join(5000);
        return !benchLines.isEmpty();
    }

    /** The fields of the last {@code BENCH PROGRESS} line. */
    Map<String, String> progress() {
        return progress;
    }

    void command(String word) {
        try {
            stdin.write(word + "\n");
            stdin.flush();
        } catch (IOException e) {
            // already gone
        }
    }

    /**
     * CPU seconds (user + system) of the process and its descendants so far: the live ones, and those that ended and
     * were waited for (counted in the process's own cutime/cstime), such as a KPL daemon shut down before a reading.
     */
    double cpuSeconds() {
        String own = readStat(Path.of("/proc", String.valueOf(process.pid()), "stat"));
        long ticks = own == null ? 0 : ticks(own) + childrenTicks(own);
        return (ticks + process.descendants().mapToLong(ChildJvm::ticks).sum()) / CLOCK_TICKS_PER_SECOND;
    }

    /**
     * CPU seconds so far of the JVM's own threads whose name starts with one of {@code prefixes} (as the kernel keeps
     * it: the first 15 characters), e.g. its JIT compiler threads or its GC threads. Threads that ended are not
     * counted: on this 2-core machine the JVM keeps one C1 and one C2 compiler thread and its GC threads for its life.
     */
    double threadCpuSeconds(String... prefixes) {
        return threads().seconds(prefixes);
    }

    /** The JVM's threads' CPU so far, by thread group (not its descendants'). */
    ThreadCpu threads() {
        return ThreadCpu.of(process.pid());
    }

    private static long ticks(ProcessHandle handle) {
        String stat = readStat(Path.of("/proc", String.valueOf(handle.pid()), "stat"));
        return stat == null ? 0 : ticks(stat);
    }

    private static long ticks(String stat) {
        // fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long childrenTicks(String stat) {
        // cutime 16, cstime 17: the children that ended and were waited for
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }

    private static String readStat(Path stat) {
        try {
            return Files.readString(stat);
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    /** Sends SIGTERM and waits for the exit; the time it took, or null if it had to be killed. */
    Duration terminate(Duration timeout) {
        long start = System.nanoTime();
        // SIGTERM through the handle: Process.destroy() would also close our end of its stdout, losing what it
        // prints while it shuts down
        process.toHandle().destroy();
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        return null;
    }

    /** Asks the child to exit ({@code exit} on stdin) and waits a little, then kills what is left. */
    void exit() {
        command("exit");
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String word : line.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                fields.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return fields;
    }
}
