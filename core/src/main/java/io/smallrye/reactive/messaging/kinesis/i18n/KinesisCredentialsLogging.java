package io.smallrye.reactive.messaging.kinesis.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.Logger.Level;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * Log messages of the credentials of the clients the connector builds. Ids 1700-1729. A credentials description
 * here is {@code CredentialsSpec.toString()}: access key ids masked, no secret, session token or web identity token.
 */
@MessageLogger(projectCode = "SRKIN", length = 4)
public interface KinesisCredentialsLogging extends BasicLogger {

    KinesisCredentialsLogging log = Logger.getMessageLogger(MethodHandles.lookup(), KinesisCredentialsLogging.class,
            "io.smallrye.reactive.messaging.kinesis");

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1700, value = "Credentials provider created: %s")
    void providerCreated(String credentials);

    @LogMessage(level = Level.WARN)
    @Message(id = 1701, value = "Closing the credentials provider %s failed: %s")
    void providerCloseFailed(String credentials, String summary);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1702, value = "Closing the credentials provider failed")
    void providerCloseFailedTrace(@Cause Throwable cause);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1703, value = "Built a %s client for region %s, endpoint %s, credentials %s")
    void clientBuilt(String service, String region, String endpoint, String credentials);

    @LogMessage(level = Level.WARN)
    @Message(id = 1704, value = "Could not fetch credentials yet (the provider tries again when a request needs them): %s")
    void providerPrimeFailed(String summary);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1705, value = "Fetching the first credentials failed")
    void providerPrimeFailedTrace(@Cause Throwable cause);
}
