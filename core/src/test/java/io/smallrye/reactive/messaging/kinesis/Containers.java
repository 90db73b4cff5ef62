package io.smallrye.reactive.messaging.kinesis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

import io.smallrye.reactive.messaging.kinesis.aggregation.AggregatedRecordWriter;
import io.smallrye.reactive.messaging.kinesis.aggregation.PackedRecord;
import software.amazon.awssdk.core.SdkBytes;

/**
 * KPL aggregated records ("containers") for incoming tests, built with our writer (checked against the KCL in
 * KclInteropTest), and ways to break them.
 */
final class Containers {

    static final byte[] MAGIC = { (byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2 };

    private Containers() {
    }

    /** A user record as a producer hands it over; data as UTF-8 text. */
    record UserRecord(String partitionKey, String explicitHashKey, String data) {
        SdkBytes bytes() {
            return SdkBytes.fromUtf8String(data);
        }
    }

    /** An aggregated record of the user records (at least two), with the outer keys our writer picks. */
    static PackedRecord pack(List<UserRecord> users) {
        if (users.size() < 2) {
            throw new IllegalArgumentException("a container needs two user records at least");
        }
        AggregatedRecordWriter writer = new AggregatedRecordWriter(Integer.MAX_VALUE);
        for (UserRecord user : users) {
            if (!writer.tryAdd(user.partitionKey(), user.explicitHashKey(), user.bytes())) {
                throw new IllegalStateException("not added: " + user);
            }
        }
        PackedRecord packed = writer.build();
        if (!packed.aggregated() || !startsWithMagic(packed.data().asByteArray())) {
            throw new IllegalStateException("not aggregated: " + packed);
        }
        return packed;
    }

    static boolean startsWithMagic(byte[] data) {
        return data.length >= 4 && Arrays.equals(Arrays.copyOf(data, 4), MAGIC);
    }

    /** The byte at {@code index} with its bits inverted. */
    static byte[] flipByte(byte[] container, int index) {
        byte[] copy = container.clone();
        copy[index] = (byte) ~copy[index];
        return copy;
    }

    static byte[] truncate(byte[] container, int length) {
        return Arrays.copyOf(container, length);
    }

    /** The digest at the end replaced by the digest of something else. */
    static byte[] wrongMd5(byte[] container) {
        byte[] copy = container.clone();
        byte[] other = md5("not the protobuf message".getBytes(StandardCharsets.UTF_8));
        System.arraycopy(other, 0, copy, copy.length - 16, 16);
        return copy;
    }

    /** Magic bytes, bytes that are no protobuf AggregatedRecord, and their correct digest. */
    static byte[] badProtobufGoodMd5(byte[] garbage) {
        byte[] out = new byte[4 + garbage.length + 16];
        System.arraycopy(MAGIC, 0, out, 0, 4);
        System.arraycopy(garbage, 0, out, 4, garbage.length);
        System.arraycopy(md5(garbage), 0, out, 4 + garbage.length, 16);
        return out;
    }

    static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
