package io.smallrye.reactive.messaging.kinesis.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.aggregation.RandomRecords.Input;
import software.amazon.awssdk.core.SdkBytes;

class AggregatedRecordWriterTest {

    static final int ONE_MIB = 1024 * 1024;

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void reportedSizeIsTheBuiltSizeAndNeverExceedsTheMax() {
        RandomRecords.withSeed(random -> {
            RandomRecords records = new RandomRecords(random);
            int containers = 0;
            int rejections = 0;
            for (int round = 0; round < 300; round++) {
                int max = pickMax(random);
                int maxData = 1 + random.nextInt(Math.min(max, random.nextBoolean() ? 64 : 4096));
                AggregatedRecordWriter writer = new AggregatedRecordWriter(max);
                List<Input> added = new ArrayList<>();
                while (true) {
                    Input input = records.next(maxData);
                    if (!writer.tryAdd(input.partitionKey(), input.explicitHashKey(), input.sdkBytes())) {
                        rejections++;
                        assertThat(added).isNotEmpty();
                        // not over-cautious: with the refused record the aggregated record would exceed the max
                        AggregatedRecordWriter unbounded = new AggregatedRecordWriter(Integer.MAX_VALUE);
                        added.forEach(in -> unbounded.tryAdd(in.partitionKey(), in.explicitHashKey(), in.sdkBytes()));
                        long before = unbounded.recordSize();
                        assertThat(before).isEqualTo(writer.recordSize());
                        unbounded.tryAdd(input.partitionKey(), input.explicitHashKey(), input.sdkBytes());
                        assertThat(unbounded.recordSize()).isGreaterThan(max);
                        break;
                    }
                    added.add(input);
                    assertThat(writer.count()).isEqualTo(added.size());
                    if (added.size() >= 2) {
                        assertThat(writer.recordSize()).isLessThanOrEqualTo(max);
                    }
                    // the exact size after each of the first records, not only at the end (build() keeps the records)
                    if (added.size() >= 2 && added.size() <= 20) {
                        PackedRecord built = writer.build();
                        assertThat((long) built.data().asByteArrayUnsafe().length).isEqualTo(writer.containerSize());
                        assertThat(writer.recordSize()).isEqualTo(writer.containerSize() + utf8(built.partitionKey()));
                    }
                    if (added.size() == 200) {
                        break;
                    }
                }
                PackedRecord record = writer.build();
                assertThat(record.userRecords()).isEqualTo(added.size());
                if (added.size() >= 2) {
                    containers++;
                    assertThat(record.aggregated()).isTrue();
                    assertThat((long) record.data().asByteArrayUnsafe().length).isEqualTo(writer.containerSize());
                    assertThat(record.data().asByteArrayUnsafe().length + utf8(record.partitionKey())).isLessThanOrEqualTo(max);
                }
            }
            assertThat(containers).as("containers built").isGreaterThan(50);
            assertThat(rejections).as("records refused").isGreaterThan(50);
        });
    }

    private static int pickMax(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 25 + random.nextInt(200);
            case 1 -> 1_000 + random.nextInt(10_000);
            case 2 -> 50_000 + random.nextInt(ONE_MIB);
            default -> ONE_MIB;
        };
    }

    @Test
    void fillsUpToOneMibibyteWithLargePayloads() {
        RandomRecords.withSeed(random -> {
            RandomRecords records = new RandomRecords(random);
            AggregatedRecordWriter writer = new AggregatedRecordWriter(ONE_MIB);
            int added = 0;
            while (writer.tryAdd("key-" + added, null, SdkBytes.fromByteArrayUnsafe(records.data(200_000)))) {
                added++;
            }
            PackedRecord record = writer.build();
            assertThat(record.data().asByteArrayUnsafe().length + utf8(record.partitionKey())).isLessThanOrEqualTo(ONE_MIB);
            assertThat((long) record.data().asByteArrayUnsafe().length).isEqualTo(writer.containerSize());
        });
    }

    @Test
    void singleRecordIsSentAsItIsEvenWhenLargerThanTheMax() {
        SdkBytes data = SdkBytes.fromByteArrayUnsafe(new byte[5_000]);
        AggregatedRecordWriter writer = new AggregatedRecordWriter(1_000);

        assertThat(writer.tryAdd("key", null, data)).isTrue();
        assertThat(writer.recordSize()).isGreaterThan(1_000);
        assertThat(writer.tryAdd("key", null, SdkBytes.fromByteArrayUnsafe(new byte[0]))).isFalse();
        PackedRecord record = writer.build();

        assertThat(record.aggregated()).isFalse();
        assertThat(record.userRecords()).isEqualTo(1);
        assertThat(record.data()).isSameAs(data);
        assertThat(record.partitionKey()).isEqualTo("key");
        assertThat(record.explicitHashKey()).isNull();
    }

    @Test
    void singleRecordKeepsItsExplicitHashKey() {
        AggregatedRecordWriter writer = new AggregatedRecordWriter(1_000);
        writer.tryAdd("key", "12345", SdkBytes.fromUtf8String("x"));
        PackedRecord record = writer.build();
        assertThat(record.aggregated()).isFalse();
        assertThat(record.explicitHashKey()).isEqualTo("12345");
        assertThat(record.toPutRecordsRequestEntry().explicitHashKey()).isEqualTo("12345");
    }

    @Test
    void containerIsRoutedByTheFirstRecordsEffectiveHashKey() {
        AggregatedRecordWriter writer = new AggregatedRecordWriter(1_000);
        writer.tryAdd("abc", null, SdkBytes.fromUtf8String("1"));
        writer.tryAdd("other", "7", SdkBytes.fromUtf8String("2"));
        PackedRecord record = writer.build();
        assertThat(record.aggregated()).isTrue();
        assertThat(record.partitionKey()).isEqualTo("abc");
        assertThat(record.explicitHashKey()).isEqualTo(HashKeys.ofPartitionKey("abc").toString());

        writer.reset();
        writer.tryAdd("abc", "99", SdkBytes.fromUtf8String("1"));
        writer.tryAdd("abc", null, SdkBytes.fromUtf8String("2"));
        assertThat(writer.build().explicitHashKey()).isEqualTo("99");
    }

    @Test
    void repeatedKeysAreStoredOnce() {
        AggregatedRecordWriter writer = new AggregatedRecordWriter(ONE_MIB);
        String key = "k".repeat(200);
        writer.tryAdd(key, "5", SdkBytes.fromUtf8String("a"));
        long afterOne = writer.containerSize();
        writer.tryAdd(key, "5", SdkBytes.fromUtf8String("b"));
        // the second record costs its own message (indexes and data), not another 200-byte key
        assertThat(writer.containerSize() - afterOne).isLessThan(12);
        byte[] bytes = writer.build().data().asByteArrayUnsafe();
        assertThat(count(bytes, key.getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
    }

    private static int count(byte[] haystack, byte[] needle) {
        int found = 0;
        outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            found++;
        }
        return found;
    }

    @Test
    void containerStartsWithMagicAndEndsWithTheMd5OfTheProtobuf() throws Exception {
        AggregatedRecordWriter writer = new AggregatedRecordWriter(1_000);
        writer.tryAdd("a", null, SdkBytes.fromUtf8String("x"));
        writer.tryAdd("b", null, SdkBytes.fromUtf8String("y"));
        byte[] bytes = writer.build().data().asByteArrayUnsafe();
        assertThat(bytes).startsWith(0xF3, 0x89, 0x9A, 0xC2);
        byte[] md5 = java.security.MessageDigest.getInstance("MD5").digest(
                java.util.Arrays.copyOfRange(bytes, 4, bytes.length - 16));
        assertThat(java.util.Arrays.copyOfRange(bytes, bytes.length - 16, bytes.length)).isEqualTo(md5);
    }

    @Test
    void emptyWriter() {
        AggregatedRecordWriter writer = new AggregatedRecordWriter(1_000);
        assertThat(writer.isEmpty()).isTrue();
        assertThat(writer.recordSize()).isZero();
        assertThat(writer.partitionKey()).isNull();
        assertThat(writer.explicitHashKey()).isNull();
        assertThatThrownBy(writer::build).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new AggregatedRecordWriter(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resetStartsAFreshRecord() {
        AggregatedRecordWriter writer = new AggregatedRecordWriter(1_000);
        writer.tryAdd("a", "1", SdkBytes.fromUtf8String("x"));
        writer.tryAdd("b", "2", SdkBytes.fromUtf8String("y"));
        writer.reset();
        AggregatedRecordWriter fresh = new AggregatedRecordWriter(1_000);
        for (AggregatedRecordWriter w : List.of(writer, fresh)) {
            w.tryAdd("c", null, SdkBytes.fromUtf8String("z"));
            w.tryAdd("d", null, SdkBytes.fromUtf8String("w"));
        }
        assertThat(writer.build().data()).isEqualTo(fresh.build().data());
    }
}
