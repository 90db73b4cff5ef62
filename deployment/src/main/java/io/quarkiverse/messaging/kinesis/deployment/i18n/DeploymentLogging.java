package io.quarkiverse.messaging.kinesis.deployment.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.Logger.Level;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * Log messages of the extension's build steps: Dev Services and payload type detection. Ids 1300-1309 and 1409 (kept
 * from when they lived in the connector core), 1370-1379.
 */
@MessageLogger(projectCode = "SRKIN", length = 4)
public interface DeploymentLogging extends BasicLogger {

    DeploymentLogging log = Logger.getMessageLogger(MethodHandles.lookup(), DeploymentLogging.class,
            "io.quarkiverse.messaging.kinesis.deployment");

    @LogMessage(level = Level.INFO)
    @Message(id = 1300, value = "Dev Services for Kinesis: installing an emulator (npm package %s %s from %s) into %s, once; npm output in %s")
    void installingEmulator(String packageName, String version, String registry, String directory, String logFile);

    @LogMessage(level = Level.INFO)
    @Message(id = 1301, value = "Dev Services for Kinesis started kinesis-mock (process %d) on %s in %d ms, region %s, streams %s (log %s). Channels without endpoint-override use it.")
    void devServicesStarted(long pid, String endpoint, long millis, String region, String streams, String logFile);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1302, value = "Dev Services for Kinesis not started: %s")
    void devServicesNotStarted(String reason);

    @LogMessage(level = Level.WARN)
    @Message(id = 1303, value = "Dev Services for Kinesis: the emulator process %d did not stop")
    void emulatorDidNotStop(long pid);

    @LogMessage(level = Level.WARN)
    @Message(id = 1305, value = "Channel '%s' (%s): its method and injection point signatures name different payload types %s; none is chosen: set mp.messaging.%s.%s.payload-type")
    void payloadTypesDisagree(String channel, String direction, String types, String direction2, String channel2);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1306, value = "Channel '%s' (%s): payload-type %s, found in %s")
    void payloadTypeDetected(String channel, String direction, String type, String source);

    @LogMessage(level = Level.WARN)
    @Message(id = 1360, value = "Channel '%s' (incoming) has batch=true, so its payloads are lists of records, but %s does not take a List: take List<T> (or Message<List<T>>, Multi<List<T>>), or set batch=false")
    void batchChannelWithoutList(String channel, String signature);

    @LogMessage(level = Level.INFO)
    @Message(id = 1307, value = "Dev Services for Kinesis: using the shared emulator at %s (process %d, started by another application, which stops it when it stops); streams %s")
    void devServicesShared(String endpoint, long pid, String streams);

    @LogMessage(level = Level.INFO)
    @Message(id = 1308, value = "Dev Services for Kinesis started kinesis-mock in a container (image %s, id %s) on %s in %d ms, region %s, streams %s. Channels without endpoint-override use it.")
    void devServicesContainerStarted(String image, String containerId, String endpoint, long millis, String region,
            String streams);

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
