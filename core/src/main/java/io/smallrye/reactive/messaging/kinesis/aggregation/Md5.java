package io.smallrye.reactive.messaging.kinesis.aggregation;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * MD5 digests with one {@link MessageDigest} per thread: {@code MessageDigest.getInstance} walks the security
 * providers on every call, which costs more than hashing a partition key.
 */
final class Md5 {

    static final int LENGTH = 16;

    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Md5::newDigest);

    private Md5() {
    }

    static byte[] digest(byte[] bytes) {
        return digest(bytes, 0, bytes.length);
    }

    static byte[] digest(byte[] bytes, int offset, int length) {
        MessageDigest md = DIGEST.get();
        md.reset();
        md.update(bytes, offset, length);
        return md.digest();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide MD5
            throw new IllegalStateException(e);
        }
    }
}
