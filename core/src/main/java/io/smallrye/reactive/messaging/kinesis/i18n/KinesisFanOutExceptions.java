package io.smallrye.reactive.messaging.kinesis.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.Messages;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageBundle;

/** Exceptions of enhanced fan-out (consumer-mode fan-out). Ids 2840-2859. */
@MessageBundle(projectCode = "SRKIN", length = 4)
public interface KinesisFanOutExceptions {

    KinesisFanOutExceptions ex = Messages.getBundle(MethodHandles.lookup(), KinesisFanOutExceptions.class);

    @Message(id = 2840, value = "Channel '%s': consumer-mode fan-out needs an HTTP/2 Kinesis client (SubscribeToShard is HTTP/2 only), but %s is '%s'; remove that setting or use consumer-mode polling")
    IllegalArgumentException fanOutNeedsHttp2(String channel, String setting, String value);

    @Message(id = 2841, value = "Channel '%s': %s was denied for stream consumer '%s' of stream '%s' (%s); allow kinesis:%s on %s for these credentials")
    IllegalStateException fanOutAccessDenied(String channel, String action, String consumer, String stream,
            String detail, String action2, String resource, @Cause Throwable cause);

    @Message(id = 2842, value = "Channel '%s': %s of stream consumer '%s' of stream '%s' failed: %s")
    IllegalStateException consumerCallFailed(String channel, String action, String consumer, String stream,
            String detail, @Cause Throwable cause);

    @Message(id = 2843, value = "Channel '%s': stream consumer %s (consumer-arn) belongs to stream %s, not to the channel's stream '%s'")
    IllegalArgumentException consumerOfOtherStream(String channel, String consumerArn, String consumerStream,
            String stream);
}
