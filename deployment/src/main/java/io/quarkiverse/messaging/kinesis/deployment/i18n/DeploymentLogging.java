package io.quarkiverse.messaging.kinesis.deployment.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.Logger.Level;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * Log messages of the extension's build steps: Dev Services and payload type detection. Ids 1302, 1305-1308 (kept from
 * when they lived in the connector core), 1360, 1370-1379 (1300, 1301, 1303, 1370, 1371, 1409 are the emulator
 * launcher's, EmulatorLogging).
 */
@MessageLogger(projectCode = "SRKIN", length = 4)
public interface DeploymentLogging extends BasicLogger {

    DeploymentLogging log = Logger.getMessageLogger(MethodHandles.lookup(), DeploymentLogging.class,
            "io.quarkiverse.messaging.kinesis.deployment");

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1302, value = "Dev Services for Kinesis not started: %s")
    void devServicesNotStarted(String reason);

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

}
