package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.opentelemetry.api.trace.Span;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadEncoder;
import io.smallrye.reactive.messaging.kinesis.tracing.OutgoingTracing;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.core.SdkBytes;

/**
 * Turns a message into a {@link PendingRecord}, or rejects it with the reason (size, key, payload type) so that only
 * that message is nacked.
 */
final class OutgoingRecordFactory {

    static final int MAX_PARTITION_KEY_CHARS = 256;
    private static final BigInteger MAX_HASH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private final String channel;
    private final String defaultStream;
    private final long maxRecordBytes;
    private final PayloadEncoder objectEncoder;
    private final OutgoingTracing tracing;

    /** @param objectEncoder writes payloads that are neither bytes, text nor Vert.x JSON; null to reject them */
    OutgoingRecordFactory(OutgoingSettings settings, PayloadEncoder objectEncoder) {
        this(settings, objectEncoder, OutgoingTracing.OFF);
    }

    /** @param tracing starts each accepted message's PRODUCER span, and wraps its data in a trace envelope if asked */
    OutgoingRecordFactory(OutgoingSettings settings, PayloadEncoder objectEncoder, OutgoingTracing tracing) {
        this.channel = settings.channel();
        this.defaultStream = settings.stream();
        this.maxRecordBytes = settings.maxRecordBytes();
        this.objectEncoder = objectEncoder;
        this.tracing = tracing;
    }

    String streamOf(Message<?> message) {
        OutgoingKinesisMetadata metadata = message.getMetadata(OutgoingKinesisMetadata.class).orElse(null);
        return metadata != null && metadata.getStream() != null ? metadata.getStream() : defaultStream;
    }

    PendingRecord create(Message<?> message, long sequence, long nowNanos) {
        OutgoingKinesisMetadata metadata = message.getMetadata(OutgoingKinesisMetadata.class).orElse(null);
        String stream = metadata != null && metadata.getStream() != null ? metadata.getStream() : defaultStream;
        SdkBytes data = toBytes(message.getPayload(), stream);

        String partitionKey = metadata != null ? metadata.getPartitionKey() : null;
        boolean randomKey = partitionKey == null;
        if (randomKey) {
            partitionKey = randomPartitionKey();
        } else if (partitionKey.isEmpty()) {
            throw KinesisExceptions.ex.emptyPartitionKey(stream);
        } else {
            int chars = partitionKey.codePointCount(0, partitionKey.length());
            if (chars > MAX_PARTITION_KEY_CHARS) {
                throw KinesisExceptions.ex.partitionKeyTooLong(stream, chars);
            }
        }
        String explicitHashKey = metadata != null ? metadata.getExplicitHashKey() : null;
        if (explicitHashKey != null) {
            checkHashKey(explicitHashKey, stream);
        }

        int dataBytes = data.asByteBuffer().remaining();
        int keyBytes = utf8Length(partitionKey);
        long size = (long) dataBytes + keyBytes;
        if (size > maxRecordBytes) {
            throw KinesisExceptions.ex.recordTooLarge((int) size, stream, maxRecordBytes, channel);
        }
        Span span = tracing.start(message, stream, partitionKey, dataBytes);
        byte[] enveloped = tracing.encode(span, message, data.asByteBuffer());
        if (enveloped != null) {
            size = (long) enveloped.length + keyBytes;
            if (size > maxRecordBytes) {
                IllegalArgumentException tooLarge = KinesisExceptions.ex.recordTooLargeWithEnvelope(dataBytes + keyBytes,
                        stream, maxRecordBytes, channel, enveloped.length - dataBytes);
                OutgoingTracing.nacked(span, tooLarge, null);
                throw tooLarge;
            }
            data = SdkBytes.fromByteArrayUnsafe(enveloped);
        }
        return new PendingRecord(message, stream, data, partitionKey, randomKey, explicitHashKey, (int) size, sequence,
                nowNanos, span);
    }

    private SdkBytes toBytes(Object payload, String stream) {
        if (payload instanceof byte[] bytes) {
            // no copy: the application hands the array over with the message
            return SdkBytes.fromByteArrayUnsafe(bytes);
        }
        if (payload instanceof String text) {
            return SdkBytes.fromString(text, StandardCharsets.UTF_8);
        }
        if (payload instanceof Buffer buffer) {
            return SdkBytes.fromByteArrayUnsafe(buffer.getBytes());
        }
        if (payload instanceof io.vertx.mutiny.core.buffer.Buffer buffer) {
            return SdkBytes.fromByteArrayUnsafe(buffer.getDelegate().getBytes());
        }
        if (payload instanceof SdkBytes bytes) {
            return bytes;
        }
        if (payload instanceof JsonObject json) {
            return SdkBytes.fromByteArrayUnsafe(json.toBuffer().getBytes());
        }
        if (payload instanceof JsonArray json) {
            return SdkBytes.fromByteArrayUnsafe(json.toBuffer().getBytes());
        }
        if (payload == null) {
            throw KinesisExceptions.ex.nullPayload(stream, channel);
        }
        if (objectEncoder == null) {
            throw KinesisExceptions.ex.unsupportedPayload(payload.getClass().getName(), stream, channel);
        }
        try {
            return SdkBytes.fromByteArrayUnsafe(objectEncoder.encode(payload));
        } catch (Exception e) {
            throw KinesisExceptions.ex.payloadNotEncoded(payload.getClass().getName(), stream, channel,
                    String.valueOf(e.getMessage()), e);
        }
    }

    private static void checkHashKey(String key, String stream) {
        try {
            BigInteger value = new BigInteger(key);
            if (value.signum() < 0 || value.compareTo(MAX_HASH_KEY) > 0) {
                throw KinesisExceptions.ex.invalidExplicitHashKey(key, stream);
            }
        } catch (NumberFormatException e) {
            throw KinesisExceptions.ex.invalidExplicitHashKey(key, stream);
        }
    }

    /** A random key: its MD5 hash, which Kinesis uses to pick the shard, spreads records evenly over shards. */
    private static String randomPartitionKey() {
        // 32 hex digits written straight into one Latin-1 array: one String built, no intermediate ones
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] hex = new byte[32];
        writeHex(random.nextLong(), hex, 0);
        writeHex(random.nextLong(), hex, 16);
        return new String(hex, StandardCharsets.ISO_8859_1);
    }

    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    private static void writeHex(long value, byte[] into, int offset) {
        for (int i = 15; i >= 0; i--) {
            into[offset + i] = HEX_DIGITS[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    static int utf8Length(String text) {
        int length = text.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c)) {
                    bytes += 2; // a surrogate pair is 4 bytes, 2 of them already counted
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
