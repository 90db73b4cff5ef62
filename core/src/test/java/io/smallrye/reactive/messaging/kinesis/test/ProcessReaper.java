package io.smallrye.reactive.messaging.kinesis.test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Stops emulator processes and their descendants, and keeps a JVM shutdown hook that kills whatever is still running
 * when the test JVM exits (a test that never reached its clean-up, a crashed extension). A JVM killed with SIGKILL runs
 * no hook: for that case the emulators also exit when their stdin closes (see {@link NodeEmulator}).
 */
final class ProcessReaper {

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::killAll, "emulator-reaper"));
    }

    private ProcessReaper() {
    }

    static void register(Process process) {
        RUNNING.add(process);
    }

    /**
     * Asks the process and its descendants to terminate, waits up to {@code graceSeconds}, then kills them.
     *
     * @return {@code true} if the process is gone
     */
    static boolean stop(Process process, long graceSeconds) {
        // collect descendants first: once their parent is gone they are re-parented and no longer found
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(graceSeconds, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        RUNNING.remove(process);
        return !process.isAlive();
    }

    /** Kills the process and its descendants with SIGKILL, as a crash would, and waits until the process is gone. */
    static boolean kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
        return !process.isAlive();
    }

    private static void killAll() {
        for (Process process : RUNNING) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
