package io.smallrye.reactive.messaging.kinesis.aggregation;

import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.AGGREGATED_EXPLICIT_HASH_KEY_TABLE;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.AGGREGATED_PARTITION_KEY_TABLE;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.AGGREGATED_RECORDS;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.MAGIC;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.OVERHEAD;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.RECORD_DATA;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.RECORD_EXPLICIT_HASH_KEY_INDEX;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.RECORD_PARTITION_KEY_INDEX;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.RECORD_TAGS;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.TAG_KEY;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import software.amazon.awssdk.core.SdkBytes;

/**
 * Unpacks KPL aggregated records into their user records. Stateless and thread-safe; never throws on bad input.
 * <p>
 * A record is unpacked only when it starts with the magic bytes, its MD5 digest matches and its protobuf message is
 * well-formed: required fields present (as the KCL's generated parser demands), table indexes in range, explicit hash
 * keys valid. Anything else is reported "raw", to be delivered as one record.
 * <p>
 * Copies: the payloads of user records are read-only views of the outer record's bytes. With {@link SdkBytes} (as
 * GetRecords returns) or a ByteBuffer backed by an accessible array nothing is copied but the key strings; a
 * read-only or direct ByteBuffer is copied once, whole, into an array first.
 */
public final class Deaggregator {

    private static final int VARINT = WireFormat.WIRETYPE_VARINT;
    private static final int LENGTH_DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private Deaggregator() {
    }

    /** Unpacks the data of a Kinesis record, without copying it. */
    public static Deaggregated deaggregate(SdkBytes data) {
        byte[] bytes = data.asByteArrayUnsafe();
        return deaggregate(bytes, 0, bytes.length);
    }

    /** Unpacks the remaining bytes of the buffer, whose position is left unchanged. */
    public static Deaggregated deaggregate(ByteBuffer data) {
        if (data.hasArray()) {
            return deaggregate(data.array(), data.arrayOffset() + data.position(), data.remaining());
        }
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return deaggregate(copy, 0, copy.length);
    }

    /**
     * Unpacks {@code length} bytes from {@code offset}. The user records' data are views of this array: it must not
     * change while they are in use.
     */
    public static Deaggregated deaggregate(byte[] bytes, int offset, int length) {
        if (!AggregationFormat.startsWithMagic(bytes, offset, length)) {
            return Deaggregated.raw(RawReason.NO_MAGIC, "no magic bytes");
        }
        if (length < OVERHEAD) {
            return Deaggregated.raw(RawReason.TRUNCATED,
                    length + " bytes, fewer than magic bytes and MD5 digest (" + OVERHEAD + ")");
        }
        int protobufOffset = offset + MAGIC.length;
        int protobufLength = length - OVERHEAD;
        if (!digestMatches(bytes, protobufOffset, protobufLength)) {
            return Deaggregated.raw(RawReason.BAD_MD5, "MD5 digest does not match");
        }
        try {
            return parse(bytes, protobufOffset, protobufLength);
        } catch (IOException | RuntimeException e) {
            // InvalidProtocolBufferException mostly; anything else is a bug, but still not the caller's problem
            return Deaggregated.raw(RawReason.BAD_PROTOBUF, String.valueOf(e.getMessage()));
        }
    }

    private static boolean digestMatches(byte[] bytes, int protobufOffset, int protobufLength) {
        byte[] digest = Md5.digest(bytes, protobufOffset, protobufLength);
        int digestOffset = protobufOffset + protobufLength;
        for (int i = 0; i < Md5.LENGTH; i++) {
            if (digest[i] != bytes[digestOffset + i]) {
                return false;
            }
        }
        return true;
    }

    /** A user record as it is in the protobuf message, before its indexes are resolved. */
    private static final class Entry {
        boolean hasPartitionKeyIndex;
        long partitionKeyIndex;
        boolean hasExplicitHashKeyIndex;
        long explicitHashKeyIndex;
        boolean hasData;
        int dataOffset;
        int dataLength;
    }

    private static Deaggregated parse(byte[] bytes, int offset, int length) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes, offset, length);
        List<String> partitionKeys = new ArrayList<>();
        List<String> explicitHashKeys = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            int wireType = WireFormat.getTagWireType(tag);
            if (field == AGGREGATED_PARTITION_KEY_TABLE && wireType == LENGTH_DELIMITED) {
                partitionKeys.add(in.readString());
            } else if (field == AGGREGATED_EXPLICIT_HASH_KEY_TABLE && wireType == LENGTH_DELIMITED) {
                explicitHashKeys.add(in.readString());
            } else if (field == AGGREGATED_RECORDS && wireType == LENGTH_DELIMITED) {
                entries.add(parseRecord(in, offset));
            } else {
                skipUnknown(in, tag);
            }
        }
        if (entries.isEmpty()) {
            return Deaggregated.raw(RawReason.NO_USER_RECORDS, "aggregated record without user records");
        }
        boolean[] checkedHashKeys = new boolean[explicitHashKeys.size()];
        List<SubRecord> records = new ArrayList<>(entries.size());
        // each user record's data is a slice of one read-only view: one buffer per user record, not three
        ByteBuffer readOnly = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (!entry.hasPartitionKeyIndex) {
                return Deaggregated.raw(RawReason.BAD_PROTOBUF, "user record " + i + " has no partition key index");
            }
            if (!entry.hasData) {
                return Deaggregated.raw(RawReason.BAD_PROTOBUF, "user record " + i + " has no data");
            }
            if (!inTable(entry.partitionKeyIndex, partitionKeys)) {
                return Deaggregated.raw(RawReason.BAD_PROTOBUF, "user record " + i + " has partition key index "
                        + Long.toUnsignedString(entry.partitionKeyIndex) + ", the table has " + partitionKeys.size());
            }
            String explicitHashKey = null;
            if (entry.hasExplicitHashKeyIndex) {
                if (!inTable(entry.explicitHashKeyIndex, explicitHashKeys)) {
                    return Deaggregated.raw(RawReason.BAD_PROTOBUF, "user record " + i + " has explicit hash key index "
                            + Long.toUnsignedString(entry.explicitHashKeyIndex) + ", the table has "
                            + explicitHashKeys.size());
                }
                int index = (int) entry.explicitHashKeyIndex;
                explicitHashKey = explicitHashKeys.get(index);
                if (!checkedHashKeys[index]) {
                    if (HashKeys.tryParseExplicit(explicitHashKey) == null) {
                        return Deaggregated.raw(RawReason.BAD_PROTOBUF,
                                "user record " + i + " has an invalid explicit hash key '" + explicitHashKey + "'");
                    }
                    checkedHashKeys[index] = true;
                }
            }
            ByteBuffer data = readOnly.slice(entry.dataOffset, entry.dataLength);
            records.add(new SubRecord(i, partitionKeys.get((int) entry.partitionKeyIndex), explicitHashKey, data));
        }
        return Deaggregated.unpacked(records);
    }

    /** The index is an unsigned 64-bit number. */
    private static boolean inTable(long index, List<String> table) {
        return Long.compareUnsigned(index, table.size()) < 0;
    }

    private static Entry parseRecord(CodedInputStream in, int offset) throws IOException {
        int length = in.readRawVarint32();
        int outerLimit = in.pushLimit(length);
        Entry entry = new Entry();
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            int wireType = WireFormat.getTagWireType(tag);
            if (field == RECORD_PARTITION_KEY_INDEX && wireType == VARINT) {
                entry.partitionKeyIndex = in.readUInt64();
                entry.hasPartitionKeyIndex = true;
            } else if (field == RECORD_EXPLICIT_HASH_KEY_INDEX && wireType == VARINT) {
                entry.explicitHashKeyIndex = in.readUInt64();
                entry.hasExplicitHashKeyIndex = true;
            } else if (field == RECORD_DATA && wireType == LENGTH_DELIMITED) {
                int dataLength = in.readRawVarint32();
                // skipRawBytes checks the length against the message's bounds
                int dataOffset = offset + in.getTotalBytesRead();
                in.skipRawBytes(dataLength);
                entry.hasData = true;
                entry.dataOffset = dataOffset;
                entry.dataLength = dataLength;
            } else if (field == RECORD_TAGS && wireType == LENGTH_DELIMITED) {
                checkTag(in);
            } else {
                skipUnknown(in, tag);
            }
        }
        in.popLimit(outerLimit);
        return entry;
    }

    /** Tags are not delivered, but a tag without key makes the KCL's parser reject the record: so does this one. */
    private static void checkTag(CodedInputStream in) throws IOException {
        int length = in.readRawVarint32();
        int outerLimit = in.pushLimit(length);
        boolean hasKey = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == TAG_KEY && WireFormat.getTagWireType(tag) == LENGTH_DELIMITED) {
                hasKey = true;
            }
            skipUnknown(in, tag);
        }
        in.popLimit(outerLimit);
        if (!hasKey) {
            throw new IOException("a tag has no key");
        }
    }

    private static void skipUnknown(CodedInputStream in, int tag) throws IOException {
        // false on an end-group tag, which a well-formed message has only after a start-group tag that skipField
        // consumes with its group
        if (!in.skipField(tag)) {
            throw new IOException("unexpected end-group tag");
        }
    }
}
