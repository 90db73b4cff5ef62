package io.smallrye.reactive.messaging.kinesis.incoming;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.MessageConverter;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMetadata;

/**
 * Lets a method consume the messages of a Kinesis channel as {@code String}s: the record's bytes decoded as UTF-8.
 * Applies to messages read from Kinesis only.
 */
@ApplicationScoped
public class StringPayloadConverter implements MessageConverter {

    @Override
    public boolean canConvert(Message<?> in, Type target) {
        return target == String.class && in.getPayload() instanceof byte[]
                && in.getMetadata(IncomingKinesisMetadata.class).isPresent();
    }

    @Override
    public Message<?> convert(Message<?> in, Type target) {
        return in.withPayload(new String((byte[]) in.getPayload(), StandardCharsets.UTF_8));
    }
}
