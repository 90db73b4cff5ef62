package io.quarkiverse.messaging.kinesis.test;

import java.net.URI;

import io.quarkiverse.messaging.kinesis.emulator.KinesisLocalProcess;

/**
 * The kinesis-mock process a {@link KinesisTestResource} started, for tests of what the application does when Kinesis
 * goes away: {@link #stop()} ends it (the resource does not start it again).
 */
public final class KinesisTestEmulator {

    private final KinesisLocalProcess process;
    private final String region;

    KinesisTestEmulator(KinesisLocalProcess process, String region) {
        this.process = process;
        this.region = region;
    }

    /** {@code http://localhost:<port>} */
    public URI endpoint() {
        return URI.create(process.getConnectionInfo());
    }

    public String region() {
        return region;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The running process, {@code null} once stopped. */
    ProcessHandle processHandle() {
        return process.processHandle();
    }

    /** Ends the process (and its children) and waits until it is gone. */
    public void stop() {
        process.close();
    }
}
