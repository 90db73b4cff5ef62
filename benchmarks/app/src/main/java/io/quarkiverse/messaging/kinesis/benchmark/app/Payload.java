package io.quarkiverse.messaging.kinesis.benchmark.app;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The records' 100 bytes: the send time (microseconds since the epoch, {@link Instant#now()}: both JVMs read the same
 * wall clock, at microsecond resolution on Linux), then one byte saying whether the record counts for the latency
 * figures (sent after the warm-up), then filler.
 */
public final class Payload {

    public static final int BYTES = 100;

    private Payload() {
    }

    public static long nowMicros() {
        Instant now = Instant.now();
        return TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1000;
    }

    public static byte[] create(long sentMicros, boolean measured) {
        byte[] data = new byte[BYTES];
        ByteBuffer.wrap(data).putLong(sentMicros).put((byte) (measured ? 1 : 0));
        for (int i = 9; i < BYTES; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        return data;
    }

    public static long sentMicros(byte[] data) {
        return data.length < 9 ? -1 : ByteBuffer.wrap(data).getLong(0);
    }

    public static boolean measured(byte[] data) {
        return data.length >= 9 && data[8] == 1;
    }
}
