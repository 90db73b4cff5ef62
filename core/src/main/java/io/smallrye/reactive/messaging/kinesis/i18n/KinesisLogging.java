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
 * Log messages of the Kinesis connector. Ids 1000-1999.
 */
@MessageLogger(projectCode = "SRKIN", length = 4)
public interface KinesisLogging extends BasicLogger {

    KinesisLogging log = Logger.getMessageLogger(MethodHandles.lookup(), KinesisLogging.class,
            "io.smallrye.reactive.messaging.kinesis");

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1000, value = "Outgoing channel '%s' writes to stream '%s' (buffer time %d ms, batch up to %d records / %d bytes, %d requests in flight, ordering %s)")
    void outgoingChannelReady(String channel, String stream, long bufferTimeMs, int maxRecords, long maxBytes,
            int maxInFlight, String ordering);

    @LogMessage(level = Level.WARN)
    @Message(id = 1001, value = "Channel '%s': message rejected before sending: %s")
    void messageRejected(String channel, String reason);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1002, value = "Channel '%s': %d record(s) of a PutRecords request to stream '%s' failed (first error %s); retrying them alone")
    void retryingFailedEntries(String channel, int failed, String stream, String errorCode);

    @LogMessage(level = Level.ERROR)
    @Message(id = 1005, value = "Channel '%s': %d message(s) were not sent within the shutdown timeout of %d ms and were nacked")
    void shutdownTimeoutExpired(String channel, int messages, long timeoutMs);

    @LogMessage(level = Level.ERROR)
    @Message(id = 1006, value = "Channel '%s': the upstream of the outgoing channel failed")
    void upstreamFailure(String channel, @Cause Throwable cause);

    @LogMessage(level = Level.WARN)
    @Message(id = 1008, value = "Channel '%s': closing on an event-loop thread, the outgoing channel does not wait for its in-flight records")
    void closingOnEventLoop(String channel);

    @LogMessage(level = Level.WARN)
    @Message(id = 1009, value = "Failed to close a Kinesis client")
    void clientCloseFailed(@Cause Throwable cause);

    @LogMessage(level = Level.WARN)
    @Message(id = 1010, value = "Channel '%s': PutRecords request to stream '%s' with %d record(s) failed: %s (%s); %d more failed request(s) to this stream since the last such line")
    void requestFailed(String channel, String stream, int records, String summary, String handling, long unlogged);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1011, value = "Channel '%s': PutRecords request to stream '%s' failed")
    void requestFailedTrace(String channel, String stream, @Cause Throwable cause);

    @LogMessage(level = Level.ERROR)
    @Message(id = 1012, value = "Channel '%s': message not written to stream '%s' and nacked: %s; %d more message(s) nacked for %s on this stream since the last such line")
    void recordNotWritten(String channel, String stream, String reason, long unlogged, String errorCode);

    @LogMessage(level = Level.INFO)
    @Message(id = 1013, value = "Channel '%s': shutting down with %d message(s) held and %d in flight; taking what the Emitter already accepted and sending it within the shutdown timeout of %d ms")
    void drainingOnShutdown(String channel, int held, int inFlight, long timeoutMs);

    @LogMessage(level = Level.INFO)
    @Message(id = 1014, value = "Channel '%s': shutdown flush done in %d ms: %d message(s) acked, %d nacked during shutdown")
    void shutdownFlushDone(String channel, long elapsedMs, long acked, long nacked);

    // KPL aggregation: ids 1200-1299

    @LogMessage(level = Level.WARN)
    @Message(id = 1200, value = "Channel '%s': record %s of shard %s looks aggregated but is not (%s: %s): delivered as one record, as it is; %d such record(s) on this shard since the last warning (one warning a minute at most per shard)")
    void notAggregated(String channel, String sequenceNumber, String shardId, String reason, String detail,
            long count);

    @LogMessage(level = Level.WARN)
    @Message(id = 1201, value = "Channel '%s': aggregated record %s of shard %s holds %d user record(s) whose hash key is outside the shard's range %s (first: sub-sequence number %d, partition key '%s'): delivered anyway; not reported again for this shard")
    void userRecordsOutsideShard(String channel, String sequenceNumber, String shardId, int count, String range,
            long subSequenceNumber, String partitionKey);

    @LogMessage(level = Level.WARN)
    @Message(id = 1202, value = "Channel '%s': shard map of stream '%s' not available (%s); records are sent unaggregated until it is")
    void shardMapUnavailable(String channel, String stream, String reason);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1203, value = "Channel '%s': shard map of stream '%s' still not available (%s)")
    void shardMapStillUnavailable(String channel, String stream, String reason);

    // Quarkus integration (Dev Services, configuration, health probes): ids 1300-1399

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1304, value = "Channel '%s': stream '%s' is not reachable: %s")
    void streamUnreachable(String channel, String stream, String reason);

    // lifecycle and configuration checks: 1500-1529

    @LogMessage(level = Level.WARN)
    @Message(id = 1500, value = "Channel '%s': %s")
    void attributeIgnored(String channel, String problem);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 1501, value = "Kinesis client connection %s: exception no handler consumed (the connection is dropped by its pool): %s")
    void unconsumedConnectionException(String connection, String cause);

    @LogMessage(level = Level.WARN)
    @Message(id = 1502, value = "%d connection(s) of the Kinesis clients were still open 1 s after they were closed at shutdown")
    void connectionsNotClosed(int connections);

    @LogMessage(level = Level.INFO)
    @Message(id = 1880, value = "%s client for %s: the endpoint is local (loopback), so its TLS certificate is not verified (emulators use self-signed certificates); certificates of other endpoints always are")
    void localEndpointCertificateNotVerified(String service, String endpoint);
}
