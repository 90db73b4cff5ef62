package io.smallrye.reactive.messaging.kinesis.aggregation;

/**
 * Constants of the KPL aggregation format: {@code MAGIC}, a protobuf {@code AggregatedRecord}, then the MD5 digest of
 * the protobuf bytes.
 *
 * <pre>
 * message AggregatedRecord {
 *   repeated string partition_key_table = 1;
 *   repeated string explicit_hash_key_table = 2;
 *   repeated Record records = 3;
 * }
 * message Record {
 *   required uint64 partition_key_index = 1;
 *   optional uint64 explicit_hash_key_index = 2;
 *   required bytes data = 3;
 *   repeated Tag tags = 4;
 * }
 * message Tag {
 *   required string key = 1;
 *   optional string value = 2;
 * }
 * </pre>
 */
final class AggregationFormat {

    static final byte[] MAGIC = { (byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2 };

    /** Magic bytes and MD5 digest around the protobuf message. */
    static final int OVERHEAD = MAGIC.length + Md5.LENGTH;

    static final int AGGREGATED_PARTITION_KEY_TABLE = 1;
    static final int AGGREGATED_EXPLICIT_HASH_KEY_TABLE = 2;
    static final int AGGREGATED_RECORDS = 3;

    static final int RECORD_PARTITION_KEY_INDEX = 1;
    static final int RECORD_EXPLICIT_HASH_KEY_INDEX = 2;
    static final int RECORD_DATA = 3;
    static final int RECORD_TAGS = 4;

    static final int TAG_KEY = 1;

    private AggregationFormat() {
    }

    static boolean startsWithMagic(byte[] bytes, int offset, int length) {
        if (length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[offset + i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
