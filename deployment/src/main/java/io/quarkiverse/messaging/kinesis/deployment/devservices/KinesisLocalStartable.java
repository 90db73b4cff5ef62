package io.quarkiverse.messaging.kinesis.deployment.devservices;

import io.quarkiverse.messaging.kinesis.emulator.KinesisLocalProcess;
import io.quarkus.deployment.builditem.Startable;

/**
 * kinesis-mock as a Node.js process owned by Dev Services (the framework keeps it across live reloads while its
 * {@link Identity} is equal, and closes it with the application). In dev mode with sharing on, it is registered for
 * other applications once started, and unregistered when closed.
 */
final class KinesisLocalStartable implements Startable {

    /**
     * What makes two starts the same service: the framework compares it to reuse a running one.
     *
     * @param sharedAs the service name it is registered under for other applications; null when not shared
     * @param owner the application instance id it is registered with (stable across live reloads)
     */
    record Identity(KinesisLocalProcess.Settings settings, String sharedAs, String owner) {
    }

    private final Identity identity;
    private final StartupStatus status;
    private final KinesisLocalProcess process;

    KinesisLocalStartable(Identity identity, StartupStatus status) {
        this.identity = identity;
        this.status = status;
        this.process = new KinesisLocalProcess(identity.settings());
    }

    @Override
    public void start() {
        status.during("kinesis-mock", process::start);
        if (identity.sharedAs() != null) {
            registry().register(identity.sharedAs(), new SharedEmulators.Registration(process.processHandle().pid(),
                    process.getConnectionInfo(), identity.settings().region(), identity.owner()));
        }
    }

    @Override
    public String getConnectionInfo() {
        return process.getConnectionInfo();
    }

    @Override
    public String getContainerId() {
        return null;
    }

    @Override
    public void close() {
        ProcessHandle handle = process.processHandle();
        if (identity.sharedAs() != null && handle != null) {
            registry().unregister(identity.sharedAs(), handle.pid());
        }
        process.close();
    }

    private SharedEmulators registry() {
        return new SharedEmulators(identity.settings().cacheDir());
    }
}
