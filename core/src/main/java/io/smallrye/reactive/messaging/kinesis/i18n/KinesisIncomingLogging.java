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
 * Log messages of the incoming channels. Ids 1100-1199.
 */
@MessageLogger(projectCode = "SRKIN", length = 4)
public interface KinesisIncomingLogging extends BasicLogger {

    KinesisIncomingLogging log = Logger.getMessageLogger(MethodHandles.lookup(), KinesisIncomingLogging.class,
            "io.smallrye.reactive.messaging.kinesis");

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1100, value = "Incoming channel '%s' reads stream '%s' from %s (poll interval %d ms, up to %d records per GetRecords call, %d pending records per shard, failure strategy %s, checkpoint store %s)")
    void incomingChannelReady(String channel, String stream, String startingPosition, long pollIntervalMs,
            int maxRecords, int maxPendingRecords, String failureStrategy, String checkpointStore);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1101, value = "Channel '%s': reading shard %s from %s")
    void shardReaderStarted(String channel, String shardId, String from);

    @LogMessage(level = Level.TRACE)
    @Message(id = 1102, value = "Channel '%s': new iterator for shard %s (%s)")
    void shardIteratorObtained(String channel, String shardId, String from);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1103, value = "Channel '%s': the iterator of shard %s expired; resuming %s")
    void iteratorExpired(String channel, String shardId, String from);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1104, value = "Channel '%s': %s on shard %s was throttled (%s); trying again in %d ms")
    void readThrottled(String channel, String shardId, String operation, String errorCode, long delayMs);

    @LogMessage(level = Level.WARN)
    @Message(id = 1105, value = "Channel '%s': %s on shard %s of stream '%s' failed (%d time(s) in a row); retrying without limit, next attempt in %d ms: %s")
    void readFailedRetrying(String channel, String operation, String shardId, String stream, int failures,
            long delayMs, String summary);

    @LogMessage(level = Level.ERROR)
    @Message(id = 1106, value = "Channel '%s' stopped reading stream '%s': %s")
    void channelFailed(String channel, String stream, String summary);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1107, value = "Channel '%s': shard %s is closed; child shards: %s")
    void shardClosed(String channel, String shardId, String children);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1108, value = "Channel '%s': every record of closed shard %s was processed")
    void shardFinished(String channel, String shardId);

    @LogMessage(level = Level.INFO)
    @Message(id = 1110, value = "Channel '%s': stream '%s' (region %s) is %s; waiting until it is ACTIVE")
    void waitingForStream(String channel, String stream, String region, String status);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1111, value = "Channel '%s': shard %s is no longer read by this channel (%s)")
    void shardReleased(String channel, String shardId, String reason);

    @LogMessage(level = Level.WARN)
    @Message(id = 1819, value = "Channel '%s': the checkpoint store failed to take the shard listing of stream '%s': %s")
    void storeRefusedListing(String channel, String stream, String summary);

    @LogMessage(level = Level.WARN)
    @Message(id = 1112, value = "Channel '%s': the checkpoint store failed to %s for shard %s: %s")
    void checkpointFailed(String channel, String operation, String shardId, String summary);

    @LogMessage(level = Level.WARN)
    @Message(id = 1113, value = "Channel '%s': message of shard %s at %s was nacked and is skipped (failure-strategy ignore): %s")
    void nackedAndIgnored(String channel, String shardId, String position, String reason);

    @LogMessage(level = Level.WARN)
    @Message(id = 1114, value = "Channel '%s': message of shard %s at %s was nacked and is written to dead-letter stream '%s': %s")
    void nackedToDeadLetterStream(String channel, String shardId, String position, String deadLetterStream,
            String reason);

    @LogMessage(level = Level.ERROR)
    @Message(id = 1115, value = "Channel '%s': message of shard %s at %s was nacked; the channel stops (failure-strategy fail)")
    void nackedAndFailing(String channel, String shardId, String position, @Cause Throwable reason);

    @LogMessage(level = Level.WARN)
    @Message(id = 1116, value = "Channel '%s': the checkpoint store did not finish within %d ms at shutdown")
    void checkpointsNotSavedInTime(String channel, long timeoutMs);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1117, value = "Channel '%s': the checkpoint store does not let this channel read shard %s for now")
    void shardNotOwned(String channel, String shardId);

    @LogMessage(level = Level.WARN)
    @Message(id = 1120, value = "Channel '%s': %s of stream '%s' (region %s) failed: %s; retrying without limit, next attempt in %d ms")
    void streamCallFailedRetrying(String channel, String operation, String stream, String region, String summary,
            long delayMs);

    @LogMessage(level = Level.WARN)
    @Message(id = 1121, value = "Channel '%s': %s %s failed %d more time(s) since the last report (failing for %d s); still retrying. Last failure: %s")
    void callStillFailing(String channel, String operation, String target, long failures, long seconds,
            String summary);

    @LogMessage(level = Level.INFO)
    @Message(id = 1122, value = "Channel '%s': %s %s works again, after %d failure(s) in a row")
    void callWorksAgain(String channel, String operation, String target, int failures);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1123, value = "Channel '%s': %s %s failed")
    void callFailedDetail(String channel, String operation, String target, @Cause Throwable cause);

    @LogMessage(level = Level.WARN)
    @Message(id = 1124, value = "Channel '%s': position %s of shard %s no longer exists in stream '%s' (%s); lost-position-strategy %s: %s")
    void positionLost(String channel, String position, String shardId, String stream, String detail,
            String strategy, String meaning);

    @LogMessage(level = Level.INFO)
    @Message(id = 1125, value = "Channel '%s': shard %s no longer exists in stream '%s' (the stream was deleted, or recreated without it); its reader stops")
    void shardGone(String channel, String shardId, String stream);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1126, value = "Channel '%s' stopped reading stream '%s'")
    void channelFailedDetail(String channel, String stream, @Cause Throwable cause);

    @LogMessage(level = Level.ERROR)
    @Message(id = 1870, value = "Channel '%s': stream '%s' (region %s) was deleted while it was read (%s); its %d shard readers stop, the channel's other streams go on being read. Remove the stream from streams, or create it again and restart the application")
    void streamDeleted(String channel, String stream, String region, String detail, int readers);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1871, value = "Channel '%s': stream '%s' deleted")
    void streamDeletedDetail(String channel, String stream, @Cause Throwable cause);
}
