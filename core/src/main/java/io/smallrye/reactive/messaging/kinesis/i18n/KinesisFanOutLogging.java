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
 * Log messages of enhanced fan-out (consumer-mode fan-out): the stream consumer and the SubscribeToShard subscriptions.
 * Ids 1840-1859 and 1880-1889.
 */
@MessageLogger(projectCode = "SRKIN", length = 4)
public interface KinesisFanOutLogging extends BasicLogger {

    KinesisFanOutLogging log = Logger.getMessageLogger(MethodHandles.lookup(), KinesisFanOutLogging.class,
            "io.smallrye.reactive.messaging.kinesis");

    @LogMessage(level = Level.INFO)
    @Message(id = 1840, value = "Channel '%s': registering stream consumer '%s' of stream '%s' (RegisterStreamConsumer)")
    void registeringConsumer(String channel, String consumer, String stream);

    @LogMessage(level = Level.INFO)
    @Message(id = 1841, value = "Channel '%s' reads stream '%s' with enhanced fan-out as stream consumer %s")
    void consumerActive(String channel, String stream, String consumerArn);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1842, value = "Channel '%s': stream consumer '%s' of stream '%s' is %s; waiting for ACTIVE")
    void waitingForConsumer(String channel, String consumer, String stream, String status);

    @LogMessage(level = Level.INFO)
    @Message(id = 1843, value = "Channel '%s': deregistered stream consumer %s (consumer-deregister-on-stop)")
    void consumerDeregistered(String channel, String consumerArn);

    @LogMessage(level = Level.WARN)
    @Message(id = 1844, value = "Channel '%s': stream consumer %s could not be deregistered (consumer-deregister-on-stop): %s")
    void consumerNotDeregistered(String channel, String consumerArn, String detail);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1845, value = "Channel '%s': subscribed to shard %s from %s")
    void subscribed(String channel, String shardId, String from);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1846, value = "Channel '%s': the subscription to shard %s ended after %d events; renewing it from %s")
    void subscriptionEnded(String channel, String shardId, long events, String from);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1847, value = "Channel '%s': stream consumer call failed")
    void consumerCallFailedDetail(String channel, @Cause Throwable cause);

    @LogMessage(level = Level.ERROR)
    @Message(id = 1881, value = "Channel '%s': stream consumer %s (consumer-arn) of stream '%s' does not exist (%s); it is not registered by the channel: the shards are subscribed again with backoff until it exists, and readiness is DOWN meanwhile")
    void configuredConsumerMissing(String channel, String consumerArn, String stream, String detail);

    @LogMessage(level = Level.WARN)
    @Message(id = 1882, value = "Channel '%s': stream consumer %s of stream '%s' was deleted while the channel read it: registering '%s' again; the shards resume where they were")
    void consumerDeleted(String channel, String consumerArn, String stream, String consumerName);

    @LogMessage(level = Level.INFO)
    @Message(id = 1883, value = "Channel '%s': stream consumer %s (consumer-arn) exists again; the shards are read again")
    void configuredConsumerBack(String channel, String consumerArn);

    @LogMessage(level = Level.INFO)
    @Message(id = 1884, value = "Channel '%s': SubscribeToShard of shard %s answered not found while stream consumer %s is ACTIVE, but the stream is the same and still has the shard: the shard is subscribed again from where it was, after the backoff")
    void shardStillThere(String channel, String shardId, String consumerArn);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1885, value = "Channel '%s': the stream and its shards could not be checked after a SubscribeToShard not found; the shard is subscribed again from where it was, after the backoff")
    void streamCheckFailed(String channel, @Cause Throwable cause);
}
