package io.smallrye.reactive.messaging.kinesis.outgoing;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.providers.locals.LocalContextMetadata;
import io.vertx.core.Context;

/**
 * Acks and nacks a message on the Vert.x context it was created on, when it has one, so that the sender's
 * continuations run where it expects them.
 */
final class MessageCompletion {

    private MessageCompletion() {
    }

    /** @param context the message's own context ({@link #contextOf}), or {@code null} */
    static void ack(Message<?> message, Context context) {
        if (context == null) {
            message.ack();
        } else {
            context.runOnContext(ignored -> message.ack());
        }
    }

    static void nack(Message<?> message, Throwable reason) {
        nack(message, contextOf(message), reason);
    }

    /** @param context the message's own context ({@link #contextOf}), or {@code null} */
    static void nack(Message<?> message, Context context, Throwable reason) {
        if (context == null) {
            message.nack(reason);
        } else {
            context.runOnContext(ignored -> message.nack(reason));
        }
    }

    /** The Vert.x context the message was created on, or {@code null}. */
    static Context contextOf(Message<?> message) {
        return message.getMetadata(LocalContextMetadata.class).map(LocalContextMetadata::context).orElse(null);
    }
}
