package io.quarkiverse.messaging.kinesis.deployment.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.Messages;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageBundle;

/**
 * Exceptions of the extension's build steps (Dev Services). Ids 2305, 2306 (kept from when they lived in the connector
 * core) and 2372-2379 (2303, 2304, 2370, 2371 are the emulator launcher's, EmulatorExceptions).
 */
@MessageBundle(projectCode = "SRKIN", length = 4)
public interface DeploymentExceptions {

    DeploymentExceptions ex = Messages.getBundle(MethodHandles.lookup(), DeploymentExceptions.class);

    @Message(id = 2305, value = "Dev Services for Kinesis could not use the shared emulator at %s (service name '%s'): %s; set quarkus.messaging.kinesis.devservices.shared=false to start one of this application's own")
    IllegalStateException sharedEmulatorUnusable(String endpoint, String serviceName, String reason);

    @Message(id = 2306, value = "Dev Services for Kinesis: quarkus.messaging.kinesis.devservices.provider is 'container' but no container runtime (Docker, Podman) is reachable; start one, or use the provider 'process' (Node.js) or 'auto'")
    IllegalStateException containerRuntimeMissing();

}
