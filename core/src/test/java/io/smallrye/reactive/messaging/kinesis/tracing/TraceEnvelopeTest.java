package io.smallrye.reactive.messaging.kinesis.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TraceEnvelopeTest {

    static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theEnvelopeIsLaidOutByteByByteAsDocumented() {
        byte[] wrapped = TraceEnvelope.wrap(TRACEPARENT, "congo=t61rcWkgMzE", bytes("{\"id\":1}"));

        assertThat(Arrays.copyOfRange(wrapped, 0, 4)).containsExactly(0xFF, 'K', 'T', 'E');
        assertThat(wrapped[4]).isEqualTo((byte) 1);
        assertThat(wrapped[5]).isEqualTo((byte) 55);
        assertThat(new String(wrapped, 6, 55, StandardCharsets.US_ASCII)).isEqualTo(TRACEPARENT);
        assertThat(((wrapped[61] & 0xFF) << 8) | (wrapped[62] & 0xFF)).isEqualTo(17);
        assertThat(new String(wrapped, 63, 17, StandardCharsets.US_ASCII)).isEqualTo("congo=t61rcWkgMzE");
        assertThat(new String(wrapped, 80, wrapped.length - 80, StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
        assertThat(wrapped).hasSize(TraceEnvelope.overhead("congo=t61rcWkgMzE") + 8);
    }

    @Test
    void anEnvelopeOpensToItsTraceContextAndTheUntouchedData() {
        byte[] data = { 0, (byte) 0xFF, 'K', 'T', 'E', 1, 2, 3 };
        TraceEnvelope.Opened opened = TraceEnvelope.open(TraceEnvelope.wrap(TRACEPARENT, null, ByteBuffer.wrap(data)));

        assertThat(opened).isNotNull();
        assertThat(opened.traceparent()).isEqualTo(TRACEPARENT);
        assertThat(opened.tracestate()).isNull();
        assertThat(opened.data()).containsExactly(data);
    }

    @Test
    void anEmptyRecordCanBeWrappedAndOpened() {
        TraceEnvelope.Opened opened = TraceEnvelope.open(TraceEnvelope.wrap(TRACEPARENT, "", ByteBuffer.allocate(0)));

        assertThat(opened.data()).isEmpty();
    }

    @Test
    void textAndJsonRecordsAreNeverEnvelopes() {
        for (String text : new String[] { "{\"a\":1}", "[1,2]", "hello", "ÿKTE", "\uFFFFKTE" + TRACEPARENT }) {
            assertThat(TraceEnvelope.open(text.getBytes(StandardCharsets.UTF_8))).as(text).isNull();
        }
    }

    @Test
    void aRecordThatStartsWithTheMagicButBreaksAnyRuleIsNotAnEnvelope() {
        byte[] valid = TraceEnvelope.wrap(TRACEPARENT, "k=v", bytes("data"));
        assertThat(TraceEnvelope.open(valid)).isNotNull();

        assertThat(TraceEnvelope.open(with(valid, 4, (byte) 2))).as("version").isNull();
        assertThat(TraceEnvelope.open(with(valid, 5, (byte) 54))).as("traceparent length").isNull();
        assertThat(TraceEnvelope.open(with(valid, 6, (byte) 'f'))).as("traceparent version").isNull();
        assertThat(TraceEnvelope.open(with(valid, 10, (byte) 'A'))).as("upper-case hex").isNull();
        assertThat(TraceEnvelope.open(with(valid, 26, (byte) '-'))).as("dash misplaced").isNull();
        assertThat(TraceEnvelope.open(with(valid, 62, (byte) 200))).as("tracestate longer than the record").isNull();
        assertThat(TraceEnvelope.open(with(valid, 64, (byte) '\n'))).as("tracestate not printable").isNull();
        byte[] zeroTraceId = TraceEnvelope.wrap(TRACEPARENT, null, bytes("x"));
        for (int i = 9; i < 41; i++) {
            zeroTraceId[i] = '0';
        }
        assertThat(TraceEnvelope.open(zeroTraceId)).as("all-zero trace id").isNull();
        assertThat(TraceEnvelope.open(Arrays.copyOf(valid, 40))).as("truncated").isNull();
    }

    @Test
    void randomBytesBehindTheMagicAreNotAnEnvelope() {
        Random random = new Random(17);
        for (int i = 0; i < 10_000; i++) {
            byte[] data = new byte[64 + random.nextInt(200)];
            random.nextBytes(data);
            data[0] = (byte) 0xFF;
            data[1] = 'K';
            data[2] = 'T';
            data[3] = 'E';
            data[4] = 1;
            data[5] = 55;
            assertThat(TraceEnvelope.open(data)).isNull();
        }
    }

    @Test
    void anInvalidTraceContextIsNotWrapped() {
        assertThatThrownBy(() -> TraceEnvelope.wrap("00-abc", null, bytes("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] with(byte[] data, int index, byte value) {
        byte[] copy = data.clone();
        copy[index] = value;
        return copy;
    }
}
