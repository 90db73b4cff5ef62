package io.quarkiverse.messaging.kinesis.emulator.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.Messages;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageBundle;

/**
 * Exceptions of the emulator launcher. Ids 2303, 2304, 2370, 2371 (kept from when they lived in the deployment
 * module).
 */
@MessageBundle(projectCode = "SRKIN", length = 4)
public interface EmulatorExceptions {

    EmulatorExceptions ex = Messages.getBundle(MethodHandles.lookup(), EmulatorExceptions.class);

    @Message(id = 2303, value = "Dev Services for Kinesis could not install the emulator: `%s` %s; output ends with:%n%s%nInstall Node.js 20+ and npm, set quarkus.messaging.kinesis.devservices.node / .npm, or configure quarkus.messaging.kinesis.endpoint-override")
    IllegalStateException emulatorInstallFailed(String command, String outcome, String output);

    @Message(id = 2304, value = "Dev Services for Kinesis could not start the emulator: %s; log %s ends with:%n%s")
    IllegalStateException emulatorStartFailed(String reason, String logFile, String tail);

    @Message(id = 2370, value = "Dev Services for Kinesis could not fetch the npm package %s@%s from %s: this machine looks offline or the registry is unreachable. Point npm at a reachable registry or mirror (`npm config set registry <url>`, the environment variable npm_config_registry, or quarkus.messaging.kinesis.devservices.npm-registry), or run the emulator in a container (quarkus.messaging.kinesis.devservices.provider=container, needs Docker or Podman), or configure quarkus.messaging.kinesis.endpoint-override. npm output (%s) ends with:%n%s")
    IllegalStateException emulatorPackageUnreachable(String packageName, String version, String registry, String logFile,
            String output);

    @Message(id = 2371, value = "Dev Services for Kinesis could not install the npm package %s@%s: `%s` did not finish within %d s (quarkus.messaging.kinesis.devservices.install-timeout); output (%s) ends with:%n%s")
    IllegalStateException emulatorInstallTimedOut(String packageName, String version, String command, long seconds,
            String logFile, String output);
}
