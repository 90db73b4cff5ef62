package io.smallrye.reactive.messaging.kinesis.tracing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The trace envelope of {@code tracing-propagation=envelope}: Kinesis records have no headers, so the W3C trace
 * context travels in front of the user's data. Big-endian, byte by byte:
 *
 * <pre>
 * 0..3     magic FF 4B 54 45 (0xFF, then "KTE"): 0xFF never occurs in UTF-8, so no text or JSON record starts so;
 *          and it differs from the KPL aggregation magic F3 89 9A C2
 * 4        format version: 01
 * 5        length of the traceparent: 55 (0x37)
 * 6..60    the W3C traceparent, ASCII: 00-{32 hex trace id}-{16 hex span id}-{2 hex flags}
 * 61..62   length S of the tracestate, unsigned 16 bits, 0 to 512
 * 63..     S bytes: the W3C tracestate, printable ASCII (none when S is 0)
 * 63+S..   the user's data, unchanged
 * </pre>
 *
 * A record is read as an envelope only when all of the above hold (magic, version, lengths within the record, a
 * traceparent of version 00 with lower-case hex digits and non-zero ids, a printable tracestate); any other record,
 * also one that merely starts with the magic, is the user's data as it is.
 */
public final class TraceEnvelope {

    static final byte[] MAGIC = { (byte) 0xFF, 'K', 'T', 'E' };
    static final byte VERSION = 1;
    static final int TRACEPARENT_LENGTH = 55;
    static final int MAX_TRACESTATE_LENGTH = 512;
    /** The envelope's size without a tracestate. */
    public static final int FIXED_OVERHEAD = MAGIC.length + 1 + 1 + TRACEPARENT_LENGTH + 2;

    /** What an envelope held. */
    public record Opened(String traceparent, String tracestate, byte[] data) {
    }

    private TraceEnvelope() {
    }

    /** The envelope's size for this tracestate (null or empty: none). */
    public static int overhead(String tracestate) {
        return FIXED_OVERHEAD + (tracestate == null ? 0 : tracestate.length());
    }

    /**
     * Wraps the data.
     *
     * @param traceparent a valid W3C traceparent of version 00
     * @param tracestate a W3C tracestate, or null
     * @throws IllegalArgumentException if traceparent or tracestate is not as the format requires
     */
    public static byte[] wrap(String traceparent, String tracestate, ByteBuffer data) {
        String state = tracestate == null ? "" : tracestate;
        byte[] parent = traceparent.getBytes(StandardCharsets.US_ASCII);
        byte[] stateBytes = state.getBytes(StandardCharsets.US_ASCII);
        if (!validTraceparent(parent, 0) || !printable(stateBytes, 0, stateBytes.length)
                || stateBytes.length > MAX_TRACESTATE_LENGTH) {
            throw new IllegalArgumentException("Not a W3C trace context the envelope can carry: " + traceparent);
        }
        ByteBuffer out = ByteBuffer.allocate(FIXED_OVERHEAD + stateBytes.length + data.remaining());
        out.put(MAGIC).put(VERSION).put((byte) TRACEPARENT_LENGTH).put(parent)
                .putShort((short) stateBytes.length).put(stateBytes).put(data.duplicate());
        return out.array();
    }

    /** Whether the data may be an envelope (its first byte is the magic's): a cheap first test. */
    public static boolean mayBeEnvelope(byte[] data) {
        return data.length >= FIXED_OVERHEAD && data[0] == MAGIC[0];
    }

    /** The envelope's content, or {@code null} when the data is not an envelope by every rule of the format. */
    public static Opened open(byte[] data) {
        if (!mayBeEnvelope(data) || data[1] != MAGIC[1] || data[2] != MAGIC[2] || data[3] != MAGIC[3]
                || data[4] != VERSION || data[5] != TRACEPARENT_LENGTH) {
            return null;
        }
        int parentAt = 6;
        if (!validTraceparent(data, parentAt)) {
            return null;
        }
        int stateLengthAt = parentAt + TRACEPARENT_LENGTH;
        int stateLength = ((data[stateLengthAt] & 0xFF) << 8) | (data[stateLengthAt + 1] & 0xFF);
        int stateAt = stateLengthAt + 2;
        if (stateLength > MAX_TRACESTATE_LENGTH || stateAt + stateLength > data.length
                || !printable(data, stateAt, stateLength)) {
            return null;
        }
        int dataAt = stateAt + stateLength;
        byte[] user = new byte[data.length - dataAt];
        System.arraycopy(data, dataAt, user, 0, user.length);
        return new Opened(new String(data, parentAt, TRACEPARENT_LENGTH, StandardCharsets.US_ASCII),
                stateLength == 0 ? null : new String(data, stateAt, stateLength, StandardCharsets.US_ASCII), user);
    }

    /** 00-{32 hex}-{16 hex}-{2 hex}, lower case, trace id and span id not all zeros. */
    private static boolean validTraceparent(byte[] bytes, int at) {
        if (bytes.length - at < TRACEPARENT_LENGTH || bytes[at] != '0' || bytes[at + 1] != '0' || bytes[at + 2] != '-'
                || bytes[at + 35] != '-' || bytes[at + 52] != '-') {
            return false;
        }
        return hex(bytes, at + 3, 32) && hex(bytes, at + 36, 16) && hex(bytes, at + 53, 2)
                && !zeros(bytes, at + 3, 32) && !zeros(bytes, at + 36, 16);
    }

    private static boolean hex(byte[] bytes, int from, int length) {
        for (int i = from; i < from + length; i++) {
            byte b = bytes[i];
            if (!(b >= '0' && b <= '9' || b >= 'a' && b <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(byte[] bytes, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (bytes[i] != '0') {
                return false;
            }
        }
        return true;
    }

    private static boolean printable(byte[] bytes, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (bytes[i] < 0x20 || bytes[i] > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
