package io.smallrye.reactive.messaging.kinesis.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.Messages;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageBundle;

/**
 * Exceptions of the incoming channels. Ids 2100-2199.
 */
@MessageBundle(projectCode = "SRKIN", length = 4)
public interface KinesisIncomingExceptions {

    KinesisIncomingExceptions ex = Messages.getBundle(MethodHandles.lookup(), KinesisIncomingExceptions.class);

    @Message(id = 2100, value = "Stream '%s' in region %s is %s: channel '%s' cannot read it")
    IllegalStateException streamNotReadable(String stream, String region, String status, String channel);

    @Message(id = 2101, value = "Stream '%s' in region %s was still %s after %d s: channel '%s' gives up")
    IllegalStateException streamNotActiveInTime(String stream, String region, String status, long seconds,
            String channel);

    @Message(id = 2102, value = "Channel '%s' cannot read shard %s of stream '%s' (region %s): %s")
    IllegalStateException readFailed(String channel, String shardId, String stream, String region, String detail,
            @Cause Throwable cause);

    @Message(id = 2103, value = "Channel '%s' cannot list the shards of stream '%s' (region %s): %s")
    IllegalStateException listShardsFailed(String channel, String stream, String region, String detail,
            @Cause Throwable cause);

    @Message(id = 2104, value = "Record of shard %s at %s could not be written to dead-letter stream '%s' (channel '%s'): %s")
    IllegalStateException deadLetterWriteFailed(String shardId, String position, String deadLetterStream,
            String channel, String detail, @Cause Throwable cause);

    @Message(id = 2105, value = "Channel '%s' stopped: the message of shard %s at %s was nacked (failure-strategy fail): %s")
    IllegalStateException nackedMessageStoppedChannel(String channel, String shardId, String position, String reason,
            @Cause Throwable cause);

    @Message(id = 2106, value = "Channel '%s' could not read the record of stream '%s', shard %s at %s as %s (payload-type): %s")
    IllegalArgumentException payloadNotDecoded(String channel, String stream, String shardId, String position,
            String payloadType, String detail, @Cause Throwable cause);
}
