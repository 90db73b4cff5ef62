package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.time.Duration;
import java.util.Map;

import io.quarkiverse.messaging.kinesis.emulator.EmulatorCache;
import io.quarkiverse.messaging.kinesis.emulator.KinesisLocalProcess;

/** Starts kinesis-mock as Dev Services would, for tests that play the application owning a shared emulator. */
final class SharedEmulatorFixture {

    static final String REGION = "us-east-1";

    private SharedEmulatorFixture() {
    }

    static KinesisLocalProcess start(Map<String, Integer> streams) {
        KinesisLocalProcess emulator = new KinesisLocalProcess(new KinesisLocalProcess.Settings("node", "npm",
                EmulatorCache.defaultDirectory(), "0.6.2", 0, REGION, streams, Duration.ofSeconds(60)));
        emulator.start();
        return emulator;
    }
}
