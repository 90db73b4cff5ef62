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
 * Log messages of the DynamoDB lease table (checkpoint-store dynamodb). Ids 1400-1499 and 1810-1818 (lease clean-up).
 */
@MessageLogger(projectCode = "SRKIN", length = 4)
public interface KinesisLeaseLogging extends BasicLogger {

    KinesisLeaseLogging log = Logger.getMessageLogger(MethodHandles.lookup(), KinesisLeaseLogging.class,
            "io.smallrye.reactive.messaging.kinesis");

    @LogMessage(level = Level.INFO)
    @Message(id = 1400, value = "Channel '%s' shares the shards of stream '%s' through the DynamoDB lease table '%s' as worker '%s' (failover time %d ms)")
    void leasesStarting(String channel, String stream, String table, String worker, long failoverMs);

    @LogMessage(level = Level.INFO)
    @Message(id = 1401, value = "Channel '%s': lease table '%s' is %s; waiting for it to become ACTIVE")
    void tableNotActive(String channel, String table, String status);

    @LogMessage(level = Level.INFO)
    @Message(id = 1402, value = "Channel '%s': worker '%s' took the lease of shard %s (%s)")
    void leaseTaken(String channel, String worker, String shardId, String how);

    @LogMessage(level = Level.WARN)
    @Message(id = 1403, value = "Channel '%s': the lease of shard %s now belongs to another worker (%s); this worker stops reading it")
    void leaseLost(String channel, String shardId, String how);

    @LogMessage(level = Level.WARN)
    @Message(id = 1404, value = "Channel '%s': the lease of shard %s could not be renewed for %d ms (lease table '%s' unreachable); this worker stops reading it so that another can take it safely")
    void leaseGivenUp(String channel, String shardId, long sinceMs, String table);

    @LogMessage(level = Level.WARN)
    @Message(id = 1405, value = "Channel '%s': lease table '%s' failed to %s: %s; retrying (logged again when it works)")
    void tableFailed(String channel, String table, String operation, String reason);

    @LogMessage(level = Level.INFO)
    @Message(id = 1406, value = "Channel '%s': lease table '%s' works again")
    void tableBack(String channel, String table);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1407, value = "Channel '%s': released the lease of shard %s (checkpoint %s)")
    void leaseReleased(String channel, String shardId, String checkpoint);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1408, value = "Channel '%s': shard %s ended; leases created for its children %s")
    void leaseEnded(String channel, String shardId, String children);

    @LogMessage(level = Level.INFO)
    @Message(id = 1810, value = "Channel '%s': deleted the lease of shard %s from table '%s': the shard was read to its end and its children %s have started")
    void leaseCleanedCompleted(String channel, String shardId, String table, String children);

    @LogMessage(level = Level.INFO)
    @Message(id = 1811, value = "Channel '%s': deleted the lease of shard %s from table '%s': stream '%s' no longer has the shard (past its retention period, or the stream was recreated)")
    void leaseCleanedGone(String channel, String shardId, String table, String stream);

    @LogMessage(level = Level.WARN)
    @Message(id = 1812, value = "Channel '%s': lease table '%s' failed to delete the lease of shard %s: %s; tried again at the next clean-up (%d similar failures not logged since the last line)")
    void leaseCleanupFailed(String channel, String table, String shardId, String summary, long notLogged);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1813, value = "Channel '%s': the lease of shard %s was not deleted: it was written (or deleted) meanwhile")
    void leaseCleanupKept(String channel, String shardId);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1814, value = "Channel '%s': deleting the lease of shard %s failed")
    void leaseCleanupFailedDetail(String channel, String shardId, @Cause Throwable cause);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1815, value = "Channel '%s': shard %s has no lease but its descendant %s has started: it was read to its end and its lease cleaned up; not read again")
    void cleanedShardNotRead(String channel, String shardId, String descendant);

    @LogMessage(level = Level.INFO)
    @Message(id = 1860, value = "Channel '%s': worker '%s' marked the lease of shard %s for a graceful hand-off from worker '%s' (balancing); it reads the shard once that worker wrote its last checkpoint")
    void handOffMarked(String channel, String worker, String shardId, String holder);

    @LogMessage(level = Level.INFO)
    @Message(id = 1861, value = "Channel '%s': worker '%s' takes the lease of shard %s over for balance; this worker stops reading the shard and hands the lease over after its last checkpoint (records in flight waited for at most %d ms)")
    void handOffRequested(String channel, String taker, String shardId, long timeoutMs);

    @LogMessage(level = Level.INFO)
    @Message(id = 1862, value = "Channel '%s': handed the lease of shard %s over to worker '%s' (last checkpoint %s)")
    void handedOver(String channel, String shardId, String taker, String checkpoint);

    @LogMessage(level = Level.INFO)
    @Message(id = 1863, value = "Channel '%s': worker '%s' holds the lease of shard %s, handed over by worker '%s' after %d ms; reading from checkpoint %s")
    void handOffCompleted(String channel, String worker, String shardId, String holder, long afterMs, String checkpoint);

    @LogMessage(level = Level.WARN)
    @Message(id = 1864, value = "Channel '%s': worker '%s' stopped renewing the lease of shard %s while handing it over (not renewed for %d ms): taking it from its last checkpoint; records it processed after that checkpoint are processed again")
    void handOffHolderGone(String channel, String holder, String shardId, long sinceMs);

    @LogMessage(level = Level.WARN)
    @Message(id = 1865, value = "Channel '%s': worker '%s' renews the lease of shard %s but did not hand it over within %d ms (it may not know graceful hand-offs, e.g. a KCL 2.x worker): taking it as a plain steal")
    void handOffNotAnswered(String channel, String holder, String shardId, long waitedMs);

    @LogMessage(level = Level.WARN)
    @Message(id = 1866, value = "Channel '%s': shard %s was not released within %d ms of the hand-off request: handing its lease over at the last checkpoint written; the records processed after it are processed again by worker '%s'")
    void handOffNotReleased(String channel, String shardId, long waitedMs, String taker);

    @LogMessage(level = Level.INFO)
    @Message(id = 1867, value = "Channel '%s': the hand-off of the lease of shard %s to this worker ended without it: %s")
    void handOffAbandoned(String channel, String shardId, String why);
}
