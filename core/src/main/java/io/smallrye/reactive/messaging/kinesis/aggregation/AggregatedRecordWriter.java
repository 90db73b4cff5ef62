package io.smallrye.reactive.messaging.kinesis.aggregation;

import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.AGGREGATED_EXPLICIT_HASH_KEY_TABLE;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.AGGREGATED_PARTITION_KEY_TABLE;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.AGGREGATED_RECORDS;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.MAGIC;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.OVERHEAD;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.RECORD_DATA;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.RECORD_EXPLICIT_HASH_KEY_INDEX;
import static io.smallrye.reactive.messaging.kinesis.aggregation.AggregationFormat.RECORD_PARTITION_KEY_INDEX;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import software.amazon.awssdk.core.SdkBytes;

/**
 * Packs user records bound for ONE shard into a KPL aggregated record. Not thread-safe.
 * <p>
 * The writer knows the exact size of what it would build at every step, so {@link #tryAdd} refuses a record that
 * would make the aggregated record larger than the limit: an aggregated record never exceeds it. The size counted is
 * the one Kinesis counts against its record limit: the data plus the (outer) partition key.
 * <p>
 * The first record is always accepted, whatever its size: a writer holding one user record {@linkplain #build()
 * builds} it as a plain Kinesis record, unchanged, so a record too large to be aggregated is sent as it is (the
 * caller checks it against the service's limit as for any record).
 * <p>
 * Partition keys and explicit hash keys are stored once in the key tables and referenced by index. The outer record
 * takes the first user record's partition key, and its effective hash key as explicit hash key: all user records map
 * to the target shard, so this routes the aggregated record there, whichever partition keys it carries.
 * <p>
 * Payloads are not copied until {@link #build()}, which copies each once into the aggregated record.
 */
public final class AggregatedRecordWriter {

    private static final int LENGTH_DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private final int maxRecordBytes;

    private final Map<String, Integer> partitionKeyIndex = new HashMap<>();
    private final List<byte[]> partitionKeyTable = new ArrayList<>();
    private final Map<String, Integer> explicitHashKeyIndex = new HashMap<>();
    private final List<byte[]> explicitHashKeyTable = new ArrayList<>();
    private final List<UserRecord> records = new ArrayList<>();

    /** Size of the protobuf AggregatedRecord holding the records added so far. */
    private long protobufSize;

    private String firstPartitionKey;
    private String firstExplicitHashKey;
    private SdkBytes firstData;
    private int firstPartitionKeyBytes;
    private String routingHashKey;

    private record UserRecord(int partitionKeyIndex, int explicitHashKeyIndex, ByteBuffer data, int messageSize) {
    }

    /**
     * @param maxRecordBytes the largest aggregated record to build, data plus partition key, in bytes
     */
    public AggregatedRecordWriter(int maxRecordBytes) {
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException("maxRecordBytes must be positive: " + maxRecordBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Adds a user record if the aggregated record stays within the limit with it; the first record is always added.
     *
     * @param partitionKey the partition key of the user record
     * @param explicitHashKey its explicit hash key, or {@code null}; not validated here
     * @param data its data, not copied (the writer keeps a reference until {@link #reset()})
     * @return whether the record was added; if not, the writer is unchanged and is full for this record
     */
    public boolean tryAdd(String partitionKey, String explicitHashKey, SdkBytes data) {
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(data, "data");
        ByteBuffer buffer = data.asByteBuffer(); // a read-only view, no copy

        Integer knownPartitionKey = partitionKeyIndex.get(partitionKey);
        byte[] newPartitionKey = knownPartitionKey == null ? partitionKey.getBytes(StandardCharsets.UTF_8) : null;
        int pkIndex = knownPartitionKey != null ? knownPartitionKey : partitionKeyTable.size();

        Integer knownHashKey = explicitHashKey == null ? null : explicitHashKeyIndex.get(explicitHashKey);
        byte[] newHashKey = explicitHashKey != null && knownHashKey == null
                ? explicitHashKey.getBytes(StandardCharsets.UTF_8)
                : null;
        int ehkIndex = explicitHashKey == null ? -1 : knownHashKey != null ? knownHashKey : explicitHashKeyTable.size();

        int messageSize = recordMessageSize(pkIndex, ehkIndex, buffer.remaining());
        long added = lengthDelimitedFieldSize(AGGREGATED_RECORDS, messageSize);
        if (newPartitionKey != null) {
            added += lengthDelimitedFieldSize(AGGREGATED_PARTITION_KEY_TABLE, newPartitionKey.length);
        }
        if (newHashKey != null) {
            added += lengthDelimitedFieldSize(AGGREGATED_EXPLICIT_HASH_KEY_TABLE, newHashKey.length);
        }
        if (!records.isEmpty() && OVERHEAD + protobufSize + added + firstPartitionKeyBytes > maxRecordBytes) {
            return false;
        }

        if (newPartitionKey != null) {
            partitionKeyIndex.put(partitionKey, pkIndex);
            partitionKeyTable.add(newPartitionKey);
        }
        if (newHashKey != null) {
            explicitHashKeyIndex.put(explicitHashKey, ehkIndex);
            explicitHashKeyTable.add(newHashKey);
        }
        if (records.isEmpty()) {
            firstPartitionKey = partitionKey;
            firstExplicitHashKey = explicitHashKey;
            firstData = data;
            firstPartitionKeyBytes = newPartitionKey.length;
        }
        records.add(new UserRecord(pkIndex, ehkIndex, buffer, messageSize));
        protobufSize += added;
        return true;
    }

    /** @return the number of user records added */
    public int count() {
        return records.size();
    }

    public boolean isEmpty() {
        return records.isEmpty();
    }

    /** @return the limit given at construction */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /**
     * @return the exact length of the aggregated record's data (magic, protobuf, MD5) holding the records added so
     *         far, even if there is only one; 0 when empty
     */
    public long containerSize() {
        return records.isEmpty() ? 0 : OVERHEAD + protobufSize;
    }

    /**
     * @return the size Kinesis would count for the aggregated record holding the records added so far: its data
     *         plus its partition key's UTF-8 bytes; 0 when empty. It never exceeds the limit once two records are in.
     */
    public long recordSize() {
        return records.isEmpty() ? 0 : containerSize() + firstPartitionKeyBytes;
    }

    /** @return the partition key of the Kinesis record to put: the first user record's; {@code null} when empty */
    public String partitionKey() {
        return firstPartitionKey;
    }

    /**
     * @return the explicit hash key routing the aggregated record to the shard of its user records: the first user
     *         record's effective hash key, in decimal; {@code null} when empty
     * @throws IllegalArgumentException if the first record's explicit hash key is invalid
     */
    public String explicitHashKey() {
        if (records.isEmpty()) {
            return null;
        }
        if (routingHashKey == null) {
            routingHashKey = firstExplicitHashKey != null ? firstExplicitHashKey
                    : HashKeys.ofPartitionKey(firstPartitionKey).toString();
        }
        return routingHashKey;
    }

    /**
     * Builds the Kinesis record. The writer keeps its records: call {@link #reset()} to start the next one.
     *
     * @return the single user record as it was given, or an aggregated record of all of them, in order
     * @throws IllegalStateException if the writer is empty
     */
    public PackedRecord build() {
        if (records.isEmpty()) {
            throw new IllegalStateException("No user record to build a Kinesis record from");
        }
        if (records.size() == 1) {
            return new PackedRecord(firstPartitionKey, firstExplicitHashKey, firstData, 1);
        }
        // at most maxRecordBytes, an int, once two records are in
        int protobufLength = (int) protobufSize;
        byte[] out = new byte[OVERHEAD + protobufLength];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        CodedOutputStream protobuf = CodedOutputStream.newInstance(out, MAGIC.length, protobufLength);
        try {
            for (byte[] key : partitionKeyTable) {
                protobuf.writeByteArray(AGGREGATED_PARTITION_KEY_TABLE, key);
            }
            for (byte[] key : explicitHashKeyTable) {
                protobuf.writeByteArray(AGGREGATED_EXPLICIT_HASH_KEY_TABLE, key);
            }
            for (UserRecord record : records) {
                protobuf.writeTag(AGGREGATED_RECORDS, LENGTH_DELIMITED);
                protobuf.writeUInt32NoTag(record.messageSize());
                protobuf.writeUInt64(RECORD_PARTITION_KEY_INDEX, record.partitionKeyIndex());
                if (record.explicitHashKeyIndex() >= 0) {
                    protobuf.writeUInt64(RECORD_EXPLICIT_HASH_KEY_INDEX, record.explicitHashKeyIndex());
                }
                protobuf.writeTag(RECORD_DATA, LENGTH_DELIMITED);
                protobuf.writeUInt32NoTag(record.data().remaining());
                // write(ByteBuffer) copies the remaining bytes; writeByteBuffer would copy the whole capacity
                protobuf.write(record.data().duplicate());
            }
            // fails if the size accounting was wrong
            protobuf.checkNoSpaceLeft();
        } catch (IOException e) {
            // out of space in an array: the size accounting is broken
            throw new UncheckedIOException(e);
        }
        byte[] digest = Md5.digest(out, MAGIC.length, protobufLength);
        System.arraycopy(digest, 0, out, MAGIC.length + protobufLength, Md5.LENGTH);
        return new PackedRecord(firstPartitionKey, explicitHashKey(), SdkBytes.fromByteArrayUnsafe(out), records.size());
    }

    /** Empties the writer, to build the next record. */
    public void reset() {
        partitionKeyIndex.clear();
        partitionKeyTable.clear();
        explicitHashKeyIndex.clear();
        explicitHashKeyTable.clear();
        records.clear();
        protobufSize = 0;
        firstPartitionKey = null;
        firstExplicitHashKey = null;
        firstData = null;
        firstPartitionKeyBytes = 0;
        routingHashKey = null;
    }

    private static int recordMessageSize(int partitionKeyIndex, int explicitHashKeyIndex, int dataLength) {
        int size = CodedOutputStream.computeUInt64Size(RECORD_PARTITION_KEY_INDEX, partitionKeyIndex);
        if (explicitHashKeyIndex >= 0) {
            size += CodedOutputStream.computeUInt64Size(RECORD_EXPLICIT_HASH_KEY_INDEX, explicitHashKeyIndex);
        }
        return size + lengthDelimitedFieldSize(RECORD_DATA, dataLength);
    }

    private static int lengthDelimitedFieldSize(int fieldNumber, int length) {
        return CodedOutputStream.computeTagSize(fieldNumber) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
    }
}
