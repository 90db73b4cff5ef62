package io.quarkiverse.messaging.kinesis.deployment.devservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkiverse.messaging.kinesis.emulator.KinesisLocalProcess;

/**
 * The registry of shared emulators, with a real kinesis-mock: a registration is found while its emulator runs, a
 * stale one is not, only its owner removes it.
 */
class SharedEmulatorsTest {

    static KinesisLocalProcess emulator;

    @TempDir
    Path registry;

    @BeforeAll
    static void startEmulator() {
        emulator = SharedEmulatorFixture.start(Map.of("first", 1));
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    private static SharedEmulators.Registration registration() {
        return new SharedEmulators.Registration(emulator.processHandle().pid(), emulator.getConnectionInfo(),
                SharedEmulatorFixture.REGION);
    }

    @Test
    void aRegisteredRunningEmulatorIsFound() {
        SharedEmulators shared = new SharedEmulators(registry);
        assertThat(shared.find("kinesis")).isEmpty();

        shared.register("kinesis", registration());

        assertThat(shared.find("kinesis")).contains(registration());
        assertThat(shared.find("other-name")).isEmpty();
    }

    @Test
    void aRegistrationWhoseProcessIsGoneIsIgnored() throws Exception {
        SharedEmulators shared = new SharedEmulators(registry);
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        long gone = finished.pid();
        shared.register("kinesis", new SharedEmulators.Registration(gone, emulator.getConnectionInfo(),
                SharedEmulatorFixture.REGION));

        assertThat(shared.find("kinesis")).isEmpty();
    }

    @Test
    void aRegistrationWhoseEmulatorDoesNotAnswerIsIgnored() {
        SharedEmulators shared = new SharedEmulators(registry);
        // a live process (this JVM) but no emulator at that endpoint
        shared.register("kinesis", new SharedEmulators.Registration(ProcessHandle.current().pid(),
                "http://127.0.0.1:" + KinesisLocalProcess.freePorts(1)[0], SharedEmulatorFixture.REGION));

        assertThat(shared.find("kinesis")).isEmpty();
    }

    @Test
    void onlyTheOwnerRemovesTheRegistration() {
        SharedEmulators shared = new SharedEmulators(registry);
        shared.register("kinesis", registration());

        shared.unregister("kinesis", registration().pid() + 1);
        assertThat(shared.find("kinesis")).isPresent();

        shared.unregister("kinesis", registration().pid());
        assertThat(shared.find("kinesis")).isEmpty();
    }
}
