package io.smallrye.reactive.messaging.kinesis.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.Messages;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageBundle;

/**
 * Exceptions of the incoming channels. Ids 2100-2199, and 2800-2809 for what tools (the Dev UI) ask.
 */
@MessageBundle(projectCode = "SRKIN", length = 4)
public interface KinesisIncomingExceptions {

    KinesisIncomingExceptions ex = Messages.getBundle(MethodHandles.lookup(), KinesisIncomingExceptions.class);

    @Message(id = 2102, value = "Channel '%s' cannot read shard %s of stream '%s' (region %s): %s")
    IllegalStateException readFailed(String channel, String shardId, String stream, String region, String detail,
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

    @Message(id = 2110, value = "Channel '%s' stopped: position %s of shard %s no longer exists in stream '%s' (region %s): %s (lost-position-strategy fail; 'trim_horizon' reads the shard again from its oldest record, 'latest' from its newest)")
    IllegalStateException positionLost(String channel, String position, String shardId, String stream, String region,
            String detail);

    @Message(id = 2111, value = "Channel '%s' cannot read stream '%s' (region %s): %s failed with an error retrying cannot fix: %s")
    IllegalStateException streamCallFailed(String channel, String stream, String region, String operation,
            String summary, @Cause Throwable cause);

    @Message(id = 2130, value = "Channel '%s': %s reads the channel's state on its Vert.x context and waits for it, so it cannot be called on an event loop (thread %s); call it from a worker thread")
    IllegalStateException readOnEventLoop(String channel, String what, String thread);

    @Message(id = 2131, value = "Channel '%s': %s got no answer from the channel's Vert.x context within %d ms")
    IllegalStateException contextReadTimedOut(String channel, String what, long timeoutMs);

    @Message(id = 2800, value = "Channel '%s' cannot show its state: its Vert.x context no longer runs tasks (the application is stopping)")
    IllegalStateException channelContextGone(String channel);

    @Message(id = 2801, value = "No channel of the application uses stream '%s' (the channels' streams: %s)")
    IllegalArgumentException noChannelUsesStream(String stream, String streams);

    @Message(id = 2802, value = "Invalid %s '%s': %s")
    IllegalArgumentException invalidToolInput(String what, String value, String expected);
}
