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
 * Log messages about the connector's one retry layer (SDK retries of the clients, dead-letter write retries). Ids
 * 1600-1619.
 */
@MessageLogger(projectCode = "SRKIN", length = 4)
public interface KinesisRetryLogging extends BasicLogger {

    KinesisRetryLogging log = Logger.getMessageLogger(MethodHandles.lookup(), KinesisRetryLogging.class,
            "io.smallrye.reactive.messaging.kinesis");

    @LogMessage(level = Level.INFO)
    @Message(id = 1600, value = "Channel '%s': the application's %s client bean '%s' retries failed calls itself (its SDK retry strategy makes up to %d attempts per call) and the connector retries on top of it (%s): attempts multiply, and retried GetRecords calls count against the shard's 5 calls per second. To keep one retry layer, build the bean with overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())); see the Retries page of the documentation")
    void providedClientRetries(String channel, String service, String bean, int attempts, String connectorRetries);

    @LogMessage(level = Level.WARN)
    @Message(id = 1601, value = "Channel '%s': writing the record of shard %s at %s to dead-letter stream '%s' failed (attempt %d of %d), retrying in %d ms: %s")
    void deadLetterWriteRetrying(String channel, String shardId, String position, String stream, int attempt,
            int attempts, long delayMs, String summary);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1602, value = "Channel '%s': dead-letter write to stream '%s' failed")
    void deadLetterWriteFailedDetail(String channel, String stream, @Cause Throwable cause);
}
