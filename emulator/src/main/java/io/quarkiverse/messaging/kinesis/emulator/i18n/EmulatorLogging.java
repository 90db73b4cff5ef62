package io.quarkiverse.messaging.kinesis.emulator.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.Logger.Level;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * Log messages of the emulator launcher (npm install, process start and stop), shared by Dev Services and the test
 * companion. Ids 1300, 1301, 1303, 1409, 1370, 1371 (kept from when they lived in the deployment module).
 */
@MessageLogger(projectCode = "SRKIN", length = 4)
public interface EmulatorLogging extends BasicLogger {

    EmulatorLogging log = Logger.getMessageLogger(MethodHandles.lookup(), EmulatorLogging.class,
            "io.quarkiverse.messaging.kinesis.emulator");

    @LogMessage(level = Level.INFO)
    @Message(id = 1300, value = "Dev Services for Kinesis: installing an emulator (npm package %s %s from %s) into %s, once; npm output in %s")
    void installingEmulator(String packageName, String version, String registry, String directory, String logFile);

    @LogMessage(level = Level.INFO)
    @Message(id = 1301, value = "%s started kinesis-mock (process %d) on %s in %d ms, region %s, streams %s (log %s)")
    void emulatorStarted(String startedBy, long pid, String endpoint, long millis, String region, String streams,
            String logFile);

    @LogMessage(level = Level.WARN)
    @Message(id = 1303, value = "Dev Services for Kinesis: the emulator process %d did not stop")
    void emulatorDidNotStop(long pid);

    @LogMessage(level = Level.INFO)
    @Message(id = 1409, value = "Dev Services for Kinesis started dynalite, a DynamoDB emulator (process %d), on %s in %d ms (log %s). Channels with checkpoint-store dynamodb and no dynamodb-endpoint-override keep their lease tables there.")
    void dynaliteStarted(long pid, String endpoint, long millis, String logFile);

    @LogMessage(level = Level.INFO)
    @Message(id = 1370, value = "Dev Services for Kinesis: installing %s %s with npm, %d s elapsed (stopped after %d s, install-timeout; npm output in %s)")
    void installInProgress(String packageName, String version, long seconds, long timeoutSeconds, String logFile);

    @LogMessage(level = Level.INFO)
    @Message(id = 1371, value = "Dev Services for Kinesis: installed %s %s in %d s; later starts reuse it")
    void installed(String packageName, String version, long seconds);
}
