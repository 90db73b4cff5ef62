package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smallrye.reactive.messaging.kinesis.aggregation.Deaggregated;
import io.smallrye.reactive.messaging.kinesis.aggregation.Deaggregator;
import io.smallrye.reactive.messaging.kinesis.aggregation.HashRange;
import io.smallrye.reactive.messaging.kinesis.aggregation.SubRecord;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The records of a shard's last GetRecords page that were not emitted yet, handed out one user record at a time.
 * <p>
 * A KPL aggregated record is unpacked when its turn comes: its user records become records of their own, with their
 * own partition and explicit hash keys, the aggregated record's sequence number and sub-sequence numbers 0..n-1. So
 * the objects of at most one aggregated record's user records exist at once, whatever the page holds; their data are
 * views of the page's bytes, copied once, into the message payload. Positions the {@link ShardCursor} has seen
 * (resuming after a checkpoint, or after an expired iterator, possibly in the middle of an aggregated record) are
 * dropped here, user record by user record.
 * <p>
 * A record that looks aggregated but is not (magic bytes, but a wrong digest or protobuf) is delivered as one record,
 * as it is, with a warning (at most one a minute per shard, with the count). A user record whose hash key falls
 * outside the shard's range is delivered too (the KCL drops its whole aggregated record); one warning per shard.
 * <p>
 * Used on the channel context only.
 */
final class FetchedRecords {

    static final long RAW_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String channel;
    private final String shardId;
    private final HashRange range;
    private final boolean deaggregate;
    private final ShardCursor cursor;
    private final ArrayDeque<Record> records = new ArrayDeque<>();
    private long millisBehindLatest;

    /** The aggregated record being emitted, its sequence number and user records, and the next one's index. */
    private Record container;
    private List<SubRecord> userRecords;
    private int nextUserRecord;

    /** The next record to hand out, when known: its Kinesis record, user record (or null) and position. */
    private Record nextRecord;
    private SubRecord nextUser;
    private RecordPosition nextPosition;

    private long pageRecords;
    private long pageUserRecords;
    private int userRecordsPerRecord = 1;

    private boolean outsideReported;
    private long rawSinceWarning;
    private long lastRawWarning;
    private boolean rawWarned;

    /**
     * @param range the hash keys the shard owns, or {@code null} if unknown (user records are then not checked)
     * @param deaggregate whether to unpack aggregated records (otherwise every record is delivered as it is)
     */
    FetchedRecords(String channel, String shardId, HashRange range, boolean deaggregate, ShardCursor cursor) {
        this.channel = channel;
        this.shardId = shardId;
        this.range = range;
        this.deaggregate = deaggregate;
        this.cursor = cursor;
    }

    /** Takes the records of a page, to be handed out after what is left of the previous one (nothing, normally). */
    void add(List<Record> page, long millisBehindLatest) {
        if (!page.isEmpty()) {
            if (isEmpty()) {
                pageRecords = 0;
                pageUserRecords = 0;
            }
            records.addAll(page);
            this.millisBehindLatest = millisBehindLatest;
        }
    }

    /** Whether nothing is left to hand out (unpacking ahead if needed, so dropped positions do not count). */
    boolean isEmpty() {
        return !advance();
    }

    /**
     * Hands out the next record, registered in the shard's progress (it is pending from now on).
     *
     * @throws java.util.NoSuchElementException if there is none
     */
    ReceivedRecord poll(ChannelContext context, ShardProgress progress) {
        if (!advance()) {
            throw new java.util.NoSuchElementException("No record left on shard " + shardId);
        }
        ReceivedRecord received = new ReceivedRecord(context, progress, progress.fetched(nextPosition), nextRecord, nextUser,
                millisBehindLatest);
        nextRecord = null;
        nextUser = null;
        nextPosition = null;
        return received;
    }

    /**
     * About how many user records a Kinesis record of this shard holds, from the last page unpacked: at least 1.
     * GetRecords counts Kinesis records; the reader divides the room it has (in user records) by this.
     */
    int userRecordsPerRecord() {
        if (pageRecords > 0) {
            userRecordsPerRecord = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                    (pageUserRecords + pageRecords - 1) / pageRecords));
        }
        return userRecordsPerRecord;
    }

    /** Finds the next record to hand out; false when none is left. */
    private boolean advance() {
        while (nextPosition == null) {
            if (userRecords != null) {
                if (nextUserRecord < userRecords.size()) {
                    SubRecord user = userRecords.get(nextUserRecord++);
                    offer(container, user, new RecordPosition(container.sequenceNumber(), user.subSequenceNumber()));
                    continue;
                }
                container = null;
                userRecords = null;
            }
            Record record = records.pollFirst();
            if (record == null) {
                return false;
            }
            pageRecords++;
            List<SubRecord> unpacked = deaggregate ? unpack(record) : null;
            if (unpacked == null) {
                pageUserRecords++;
                offer(record, null, new RecordPosition(record.sequenceNumber(), 0));
            } else {
                pageUserRecords += unpacked.size();
                container = record;
                userRecords = unpacked;
                nextUserRecord = 0;
            }
        }
        return true;
    }

    private void offer(Record record, SubRecord user, RecordPosition position) {
        if (cursor.fetched(position)) {
            nextRecord = record;
            nextUser = user;
            nextPosition = position;
        }
    }

    /** The user records of an aggregated record, or null to deliver the record as it is. */
    private List<SubRecord> unpack(Record record) {
        Deaggregated unpacked = Deaggregator.deaggregate(record.data());
        if (!unpacked.aggregated()) {
            if (unpacked.rawReason().looksAggregated()) {
                warnRaw(record, unpacked);
            }
            return null;
        }
        if (range != null && !outsideReported) {
            List<SubRecord> outside = unpacked.outsideOf(range);
            if (!outside.isEmpty()) {
                outsideReported = true;
                SubRecord first = outside.get(0);
                KinesisLogging.log.userRecordsOutsideShard(channel, record.sequenceNumber(), shardId, outside.size(),
                        range.toString(), first.subSequenceNumber(), first.partitionKey());
            }
        }
        return unpacked.records();
    }

    private void warnRaw(Record record, Deaggregated unpacked) {
        rawSinceWarning++;
        long now = System.nanoTime();
        if (!rawWarned || now - lastRawWarning >= RAW_WARNING_INTERVAL_NANOS) {
            rawWarned = true;
            lastRawWarning = now;
            KinesisLogging.log.notAggregated(channel, record.sequenceNumber(), shardId,
                    unpacked.rawReason().toString(), unpacked.detail(), rawSinceWarning);
            rawSinceWarning = 0;
        }
    }
}
