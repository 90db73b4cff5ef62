package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.util.Optional;
import java.util.regex.Pattern;

import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.console.ConsoleInstalledBuildItem;
import io.quarkus.deployment.console.StartupLogCompressor;
import io.quarkus.deployment.logging.LoggingSetupBuildItem;

/**
 * The console status line of an emulator's start (dev mode on a terminal): the log lines of the thread that starts it,
 * such as the npm install's progress, replace each other there instead of scrolling, and are printed only if the
 * start fails. Without an ANSI console (tests, CI, a redirected output) every line is logged as usual.
 */
final class StartupStatus {

    /** Lines printed even on a console: what is installed where, what started on which endpoint. */
    private static final Pattern ALWAYS_PRINTED = Pattern.compile("SRKIN(1300|1301|1307|1308|1371|1409)");

    private final LaunchModeBuildItem launchMode;
    private final Optional<ConsoleInstalledBuildItem> console;
    private final LoggingSetupBuildItem logging;

    StartupStatus(LaunchModeBuildItem launchMode, Optional<ConsoleInstalledBuildItem> console,
            LoggingSetupBuildItem logging) {
        this.launchMode = launchMode;
        this.console = console;
        this.logging = logging;
    }

    /** Runs the start of an emulator under a status line (opened on the calling thread, the one that logs). */
    void during(String emulator, Runnable start) {
        String name = (launchMode.isTest() ? "(test) " : "") + "Dev Services for Kinesis starting " + emulator + ":";
        StartupLogCompressor status = new StartupLogCompressor(name, console, logging, thread -> false,
                line -> ALWAYS_PRINTED.matcher(line).find());
        try {
            start.run();
            status.close();
        } catch (RuntimeException | Error e) {
            status.closeAndDumpCaptured();
            throw e;
        }
    }
}
