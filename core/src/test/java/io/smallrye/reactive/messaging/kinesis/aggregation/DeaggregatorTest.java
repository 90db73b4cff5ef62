package io.smallrye.reactive.messaging.kinesis.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import io.smallrye.reactive.messaging.kinesis.aggregation.RandomRecords.Input;
import software.amazon.awssdk.core.SdkBytes;

class DeaggregatorTest {

    static final byte[] MAGIC = { (byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2 };

    /** Builds a container of the inputs with our writer, which must accept them all. */
    static byte[] container(List<Input> inputs) {
        AggregatedRecordWriter writer = new AggregatedRecordWriter(Integer.MAX_VALUE);
        for (Input input : inputs) {
            assertThat(writer.tryAdd(input.partitionKey(), input.explicitHashKey(), input.sdkBytes())).isTrue();
        }
        PackedRecord record = writer.build();
        assertThat(record.aggregated()).isEqualTo(inputs.size() > 1);
        return record.data().asByteArrayUnsafe();
    }

    /** Magic + protobuf + MD5 of the protobuf, computed here. */
    static byte[] wrap(byte[] protobuf) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(protobuf);
            byte[] out = new byte[4 + protobuf.length + 16];
            System.arraycopy(MAGIC, 0, out, 0, 4);
            System.arraycopy(protobuf, 0, out, 4, protobuf.length);
            System.arraycopy(md5, 0, out, 4 + protobuf.length, 16);
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertUnpacked(Deaggregated result, List<Input> inputs) {
        assertThat(result.aggregated()).as("%s", result).isTrue();
        assertThat(result.rawReason()).isNull();
        assertThat(result.records()).hasSize(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            SubRecord record = result.records().get(i);
            Input input = inputs.get(i);
            assertThat(record.subSequenceNumber()).isEqualTo(i);
            assertThat(record.partitionKey()).isEqualTo(input.partitionKey());
            assertThat(record.explicitHashKey()).isEqualTo(input.explicitHashKey());
            assertThat(record.dataAsBytes()).isEqualTo(input.data());
        }
    }

    @Test
    void unpacksWhatTheWriterPacked() {
        RandomRecords.withSeed(random -> {
            RandomRecords records = new RandomRecords(random);
            for (int round = 0; round < 300; round++) {
                int count = 2 + random.nextInt(round % 10 == 0 ? 1_000 : 20);
                List<Input> inputs = records.list(count, random.nextBoolean() ? 16 : 2_000);
                assertUnpacked(Deaggregator.deaggregate(SdkBytes.fromByteArrayUnsafe(container(inputs))), inputs);
            }
            // payloads up to the record limit
            List<Input> large = List.of(new Input("a", null, records.data(1024 * 1024 - 100)),
                    new Input("b", HashKeys.MAX.toString(), new byte[0]));
            assertUnpacked(Deaggregator.deaggregate(SdkBytes.fromByteArrayUnsafe(container(large))), large);
        });
    }

    @Test
    void readsAnyKindOfByteBuffer() {
        List<Input> inputs = List.of(new Input("k1", null, "one".getBytes(StandardCharsets.UTF_8)),
                new Input("k2", "42", "two".getBytes(StandardCharsets.UTF_8)));
        byte[] bytes = container(inputs);
        byte[] padded = new byte[bytes.length + 10];
        System.arraycopy(bytes, 0, padded, 7, bytes.length);

        ByteBuffer inMiddle = ByteBuffer.wrap(padded, 7, bytes.length);
        assertUnpacked(Deaggregator.deaggregate(inMiddle), inputs);
        assertThat(inMiddle.position()).isEqualTo(7);
        assertUnpacked(Deaggregator.deaggregate(inMiddle.slice()), inputs);
        assertUnpacked(Deaggregator.deaggregate(ByteBuffer.wrap(bytes).asReadOnlyBuffer()), inputs);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        assertUnpacked(Deaggregator.deaggregate(direct), inputs);
        assertUnpacked(Deaggregator.deaggregate(padded, 7, bytes.length), inputs);
    }

    /**
     * De-aggregation copies no payload: each user record's data is a read-only view of the outer record's bytes, as
     * shown by changing those bytes afterwards. What is copied: the key strings (decoded from UTF-8), and, for a
     * read-only or direct ByteBuffer input only, the whole outer record once. A consumer needing a byte[] per user
     * record ({@link SubRecord#dataAsBytes()}) makes that copy itself.
     */
    @Test
    void userRecordDataAreViewsOfTheOuterRecord() {
        List<Input> inputs = List.of(new Input("k", null, "hello".getBytes(StandardCharsets.UTF_8)),
                new Input("k", null, "world".getBytes(StandardCharsets.UTF_8)));
        byte[] bytes = container(inputs);
        SdkBytes outer = SdkBytes.fromByteArrayUnsafe(bytes);

        Deaggregated result = Deaggregator.deaggregate(outer);
        ByteBuffer first = result.records().get(0).data();
        ByteBuffer second = result.records().get(1).data();
        assertThat(first.isReadOnly()).isTrue();
        assertThat(first.remaining()).isEqualTo(5);
        assertThat(first.capacity()).as("a slice, not the whole record").isEqualTo(5);

        int at = indexOf(bytes, "world".getBytes(StandardCharsets.UTF_8));
        bytes[at] = 'W';
        assertThat(new String(result.records().get(1).dataAsBytes(), StandardCharsets.UTF_8)).isEqualTo("World");
        assertThat(second.get(0)).isEqualTo((byte) 'W');

        // a read-only input buffer is copied once: later changes to the source are not seen
        byte[] other = container(inputs);
        Deaggregated fromReadOnly = Deaggregator.deaggregate(ByteBuffer.wrap(other).asReadOnlyBuffer());
        other[indexOf(other, "world".getBytes(StandardCharsets.UTF_8))] = 'W';
        assertThat(new String(fromReadOnly.records().get(1).dataAsBytes(), StandardCharsets.UTF_8)).isEqualTo("world");
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void anOrdinaryRecordIsRawWithoutWarning() {
        for (byte[] data : new byte[][] { new byte[0], { (byte) 0xF3 }, { (byte) 0xF3, (byte) 0x89, (byte) 0x9A },
                "just some text, quite long enough".getBytes(StandardCharsets.UTF_8) }) {
            Deaggregated result = Deaggregator.deaggregate(SdkBytes.fromByteArrayUnsafe(data));
            assertThat(result.aggregated()).isFalse();
            assertThat(result.rawReason()).isEqualTo(RawReason.NO_MAGIC);
            assertThat(result.rawReason().looksAggregated()).isFalse();
            assertThat(result.records()).isEmpty();
        }
    }

    @Test
    void magicOnlyOrTooShortForTheDigestIsTruncated() {
        assertRaw(MAGIC, RawReason.TRUNCATED);
        assertRaw(Arrays.copyOf(MAGIC, 19), RawReason.TRUNCATED);
    }

    @Test
    void wrongDigestIsBadMd5() {
        byte[] bytes = container(List.of(new Input("a", null, new byte[] { 1 }), new Input("b", null, new byte[] { 2 })));
        bytes[bytes.length - 1] ^= 1;
        assertRaw(bytes, RawReason.BAD_MD5);
    }

    @Test
    void emptyContainerHasNoUserRecords() {
        assertRaw(wrap(new byte[0]), RawReason.NO_USER_RECORDS);
        assertRaw(wrap(protobuf(out -> out.writeString(1, "key without record"))), RawReason.NO_USER_RECORDS);
    }

    @Test
    void malformedProtobufWithValidDigestIsBadProtobuf() {
        // record with an out-of-range partition key index
        assertRaw(wrap(protobuf(out -> {
            out.writeString(1, "k");
            out.writeTag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            byte[] record = protobuf(r -> {
                r.writeUInt64(1, 1);
                r.writeByteArray(3, new byte[] { 1 });
            });
            out.writeByteArrayNoTag(record);
        })), RawReason.BAD_PROTOBUF);
        // record without data (required)
        assertRaw(wrap(protobuf(out -> {
            out.writeString(1, "k");
            out.writeByteArray(3, protobuf(r -> r.writeUInt64(1, 0)));
        })), RawReason.BAD_PROTOBUF);
        // record without partition key index (required)
        assertRaw(wrap(protobuf(out -> {
            out.writeString(1, "k");
            out.writeByteArray(3, protobuf(r -> r.writeByteArray(3, new byte[] { 1 })));
        })), RawReason.BAD_PROTOBUF);
        // explicit hash key index without table
        assertRaw(wrap(protobuf(out -> {
            out.writeString(1, "k");
            out.writeByteArray(3, protobuf(r -> {
                r.writeUInt64(1, 0);
                r.writeUInt64(2, 0);
                r.writeByteArray(3, new byte[] { 1 });
            }));
        })), RawReason.BAD_PROTOBUF);
        // explicit hash key that is not a number
        assertRaw(wrap(protobuf(out -> {
            out.writeString(1, "k");
            out.writeString(2, "not a number");
            out.writeByteArray(3, protobuf(r -> {
                r.writeUInt64(1, 0);
                r.writeUInt64(2, 0);
                r.writeByteArray(3, new byte[] { 1 });
            }));
        })), RawReason.BAD_PROTOBUF);
        // partition key index of 2^64 - 1, which a cast to int would turn into -1
        assertRaw(wrap(protobuf(out -> {
            out.writeString(1, "k");
            out.writeByteArray(3, protobuf(r -> {
                r.writeUInt64(1, -1L);
                r.writeByteArray(3, new byte[] { 1 });
            }));
        })), RawReason.BAD_PROTOBUF);
        // data length beyond the record message
        assertRaw(wrap(new byte[] { 0x0A, 0x01, 'k', 0x1A, 0x04, 0x08, 0x00, 0x1A, 0x7F }), RawReason.BAD_PROTOBUF);
        // tag without key (required by the KCL's parser)
        assertRaw(wrap(protobuf(out -> {
            out.writeString(1, "k");
            out.writeByteArray(3, protobuf(r -> {
                r.writeUInt64(1, 0);
                r.writeByteArray(3, new byte[] { 1 });
                r.writeByteArray(4, protobuf(t -> t.writeString(2, "value only")));
            }));
        })), RawReason.BAD_PROTOBUF);
    }

    @Test
    void unknownFieldsAndTagsAreSkipped() {
        byte[] bytes = wrap(protobuf(out -> {
            out.writeString(1, "k");
            out.writeUInt64(15, 99); // unknown field
            out.writeByteArray(3, protobuf(r -> {
                r.writeUInt64(1, 0);
                r.writeByteArray(3, new byte[] { 7 });
                r.writeByteArray(4, protobuf(t -> {
                    t.writeString(1, "tag");
                    t.writeString(2, "value");
                }));
                r.writeFixed32(9, 1); // unknown field
            }));
        }));
        Deaggregated result = Deaggregator.deaggregate(SdkBytes.fromByteArrayUnsafe(bytes));
        assertUnpacked(result, List.of(new Input("k", null, new byte[] { 7 })));
    }

    @Test
    void corruptedContainersAreRawNeverAnException() {
        RandomRecords.withSeed(random -> {
            RandomRecords records = new RandomRecords(random);
            for (int round = 0; round < 40; round++) {
                List<Input> inputs = records.list(2 + random.nextInt(4), 8);
                byte[] bytes = container(inputs);
                // every single-byte change anywhere
                for (int i = 0; i < bytes.length; i++) {
                    byte[] copy = bytes.clone();
                    copy[i] ^= (byte) (1 + random.nextInt(255));
                    assertRaw(copy, i < 4 ? RawReason.NO_MAGIC : RawReason.BAD_MD5);
                }
                // truncated at every length
                for (int length = 0; length < bytes.length; length++) {
                    assertRaw(Arrays.copyOf(bytes, length), length < 4 ? RawReason.NO_MAGIC
                            : length < 20 ? RawReason.TRUNCATED : RawReason.BAD_MD5);
                }
                // extra bytes at the end
                byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(3));
                assertRaw(longer, RawReason.BAD_MD5);
            }
        });
    }

    @Test
    void randomProtobufWithValidDigestNeverThrows() {
        RandomRecords.withSeed(random -> {
            int unpacked = 0;
            for (int round = 0; round < 20_000; round++) {
                byte[] protobuf;
                if (round % 2 == 0) {
                    // pure noise
                    protobuf = new byte[random.nextInt(64)];
                    random.nextBytes(protobuf);
                } else {
                    // a valid container with a few bytes changed, and its digest recomputed
                    List<Input> inputs = new RandomRecords(random).list(2 + random.nextInt(3), 6);
                    byte[] bytes = container(inputs);
                    protobuf = Arrays.copyOfRange(bytes, 4, bytes.length - 16);
                    for (int n = random.nextInt(3); n >= 0; n--) {
                        protobuf[random.nextInt(protobuf.length)] = (byte) random.nextInt(256);
                    }
                }
                byte[] data = wrap(protobuf);
                Deaggregated result = Deaggregator.deaggregate(SdkBytes.fromByteArrayUnsafe(data));
                if (result.aggregated()) {
                    unpacked++;
                    assertThat(result.records()).isNotEmpty();
                    for (SubRecord record : result.records()) {
                        assertThat(record.data().remaining()).isLessThanOrEqualTo(protobuf.length);
                        record.effectiveHashKey();
                    }
                } else {
                    assertThat(result.rawReason()).isIn(RawReason.BAD_PROTOBUF, RawReason.NO_USER_RECORDS);
                    assertThat(result.detail()).isNotBlank();
                }
            }
            assertThat(unpacked).as("some mutations stay valid").isPositive();
        });
    }

    @Test
    void findsUserRecordsOutsideTheShardRange() {
        // MD5("abc") = 0x90..., MD5("a") = 0x0c...
        List<Input> inputs = List.of(new Input("abc", null, new byte[] { 1 }), new Input("a", null, new byte[] { 2 }),
                new Input("abc", null, new byte[] { 3 }), new Input("zzz", "5", new byte[] { 4 }));
        Deaggregated result = Deaggregator.deaggregate(SdkBytes.fromByteArrayUnsafe(container(inputs)));
        HashRange upperHalf = new HashRange(BigInteger.ONE.shiftLeft(127), HashKeys.MAX);

        assertThat(result.outsideOf(HashRange.ALL)).isEmpty();
        assertThat(result.outsideOf(upperHalf)).extracting(SubRecord::subSequenceNumber).containsExactly(1, 3);
        assertThat(result.records().get(0).isWithin(upperHalf)).isTrue();
        assertThat(result.records().get(3).isWithin(upperHalf)).isFalse();
        assertThat(result.records().get(3).effectiveHashKey()).isEqualTo(BigInteger.valueOf(5));
        assertThat(Deaggregator.deaggregate(SdkBytes.fromUtf8String("raw")).outsideOf(upperHalf)).isEmpty();
    }

    static void assertRaw(byte[] data, RawReason reason) {
        Deaggregated result = Deaggregator.deaggregate(SdkBytes.fromByteArrayUnsafe(data));
        assertThat(result.aggregated()).as("%s", result).isFalse();
        assertThat(result.rawReason()).as("%s", result).isEqualTo(reason);
        assertThat(result.records()).isEmpty();
        // the same through a ByteBuffer
        assertThat(Deaggregator.deaggregate(ByteBuffer.wrap(data)).rawReason()).isEqualTo(reason);
    }

    interface ProtobufWriter {
        void write(CodedOutputStream out) throws Exception;
    }

    /** Writes protobuf by hand (field by field) to build malformed messages the writer cannot produce. */
    static byte[] protobuf(ProtobufWriter writer) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            writer.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
