package io.quarkiverse.messaging.kinesis.deployment.devservices;

import io.quarkiverse.messaging.kinesis.emulator.DynaliteProcess;
import io.quarkus.deployment.builditem.Startable;

/** dynalite as a Node.js process owned by Dev Services: kept across live reloads while its settings are equal. */
final class DynaliteStartable implements Startable {

    private final StartupStatus status;
    private final DynaliteProcess process;

    DynaliteStartable(DynaliteProcess.Settings settings, StartupStatus status) {
        this.status = status;
        this.process = new DynaliteProcess(settings);
    }

    @Override
    public void start() {
        status.during("dynalite", process::start);
    }

    @Override
    public String getConnectionInfo() {
        return process.endpoint();
    }

    @Override
    public String getContainerId() {
        return null;
    }

    @Override
    public void close() {
        process.close();
    }
}
