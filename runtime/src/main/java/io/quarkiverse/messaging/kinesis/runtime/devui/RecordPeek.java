package io.quarkiverse.messaging.kinesis.runtime.devui;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;

import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.PeekView;
import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.PeekedRecord;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kinesis.aggregation.Deaggregated;
import io.smallrye.reactive.messaging.kinesis.aggregation.Deaggregator;
import io.smallrye.reactive.messaging.kinesis.aggregation.SubRecord;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Finds the latest records of a shard for the Records page. Kinesis reads forwards only, so the shard is read from a
 * point in time to its tip ({@code millisBehindLatest} 0 and no records): first from a minute ago
 * ({@code AT_TIMESTAMP}), then, while fewer than {@code count} user records were found, from 10 minutes, an hour, a day
 * ago, and last from the shard's oldest record (TRIM_HORIZON). All windows share a budget of {@link #MAX_CALLS}
 * GetRecords calls: when a wider window does not reach the tip within it, the narrower window's records (the latest,
 * fewer than asked) are shown; when even the first does not, the latest of what was read. Aggregated records are
 * unpacked with the connector's de-aggregator.
 */
final class RecordPeek {

    static final int MAX_CALLS = 20;
    static final int MAX_COUNT = 100;
    static final int HEX_BYTES = 4096;

    /** How far back each attempt starts; null: from the shard's oldest record. */
    static final List<Duration> WINDOWS = Arrays.asList(Duration.ofMinutes(1), Duration.ofMinutes(10),
            Duration.ofHours(1), Duration.ofDays(1), null);

    private final KinesisAsyncClient client;
    private final StreamRef ref;
    private final String stream;
    private final String shardId;
    private final int count;
    private final Clock clock;
    private Deque<PeekedRecord> latest = new ArrayDeque<>();
    private int scanned;
    private int calls;

    private RecordPeek(KinesisAsyncClient client, String stream, String shardId, int count, Clock clock) {
        this.client = client;
        this.ref = new StreamRef(stream);
        this.stream = stream;
        this.shardId = shardId;
        this.count = count;
        this.clock = clock;
    }

    static Uni<PeekView> peek(KinesisAsyncClient client, String stream, String shardId, int count) {
        return peek(client, stream, shardId, count, Clock.systemUTC());
    }

    static Uni<PeekView> peek(KinesisAsyncClient client, String stream, String shardId, int count, Clock clock) {
        return new RecordPeek(client, stream, shardId, count, clock).window(0, null);
    }

    /**
     * Reads the window; widens it while it reached the tip with fewer than {@code count} records and calls are left.
     *
     * @param narrower the view of the previous (narrower) window, which reached the tip; null for the first
     */
    private Uni<PeekView> window(int index, PeekView narrower) {
        Duration back = WINDOWS.get(index);
        latest = new ArrayDeque<>();
        scanned = 0;
        return Uni.createFrom().completionStage(() -> client.getShardIterator(r -> {
            r.streamName(ref.name()).streamARN(ref.arn()).shardId(shardId);
            if (back == null) {
                r.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            } else {
                r.shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(clock.instant().minus(back));
            }
        }))
                .chain(answer -> page(answer.shardIterator()))
                .chain(atTip -> {
                    if (!atTip) {
                        return Uni.createFrom().item(narrower != null ? narrower : view(back, false));
                    }
                    PeekView view = view(back, true);
                    if (latest.size() >= count || index + 1 == WINDOWS.size() || calls >= MAX_CALLS) {
                        return Uni.createFrom().item(view);
                    }
                    return window(index + 1, view);
                })
                .onFailure().recoverWithItem(failure -> new PeekView(stream, shardId, describe(back), scanned, false,
                        List.of(), AwsErrors.summary(failure)));
    }

    private PeekView view(Duration back, boolean atTip) {
        return new PeekView(stream, shardId, describe(back), scanned, atTip, new ArrayList<>(latest), null);
    }

    /** The window as the page shows it. */
    static String describe(Duration back) {
        if (back == null) {
            return "the whole shard (from its oldest record)";
        }
        if (back.toDays() > 0) {
            return "the last " + plural(back.toDays(), "day");
        }
        if (back.toHours() > 0) {
            return "the last " + plural(back.toHours(), "hour");
        }
        return "the last " + plural(back.toMinutes(), "minute");
    }

    private static String plural(long amount, String unit) {
        return amount == 1 ? unit : amount + " " + unit + "s";
    }

    /** Reads pages from the iterator on; the Uni tells whether the tip (or the end of a closed shard) was reached. */
    private Uni<Boolean> page(String iterator) {
        calls++;
        return Uni.createFrom()
                .completionStage(() -> client.getRecords(r -> r.shardIterator(iterator).streamARN(ref.arn())))
                .chain((GetRecordsResponse answer) -> {
                    answer.records().forEach(this::keep);
                    boolean atTip = answer.records().isEmpty() && (answer.millisBehindLatest() == null
                            || answer.millisBehindLatest() == 0);
                    if (answer.nextShardIterator() == null || atTip) {
                        return Uni.createFrom().item(true);
                    }
                    return calls >= MAX_CALLS ? Uni.createFrom().item(false) : page(answer.nextShardIterator());
                });
    }

    private void keep(Record record) {
        scanned++;
        String arrival = record.approximateArrivalTimestamp() == null ? null
                : record.approximateArrivalTimestamp().toString();
        Deaggregated unpacked = Deaggregator.deaggregate(record.data());
        if (unpacked.aggregated()) {
            for (SubRecord sub : unpacked.records()) {
                add(new PeekedRecord(record.sequenceNumber(), sub.subSequenceNumber(), sub.partitionKey(), arrival,
                        true, sub.data().remaining(), text(sub.data()), hex(sub.data())));
            }
        } else {
            ByteBuffer data = record.data().asByteBuffer();
            add(new PeekedRecord(record.sequenceNumber(), 0, record.partitionKey(), arrival, false, data.remaining(),
                    text(data), hex(data)));
        }
    }

    private void add(PeekedRecord record) {
        latest.addLast(record);
        if (latest.size() > count) {
            latest.removeFirst();
        }
    }

    private static String text(ByteBuffer data) {
        return StandardCharsets.UTF_8.decode(data.duplicate()).toString();
    }

    private static String hex(ByteBuffer data) {
        ByteBuffer view = data.duplicate();
        byte[] bytes = new byte[Math.min(view.remaining(), HEX_BYTES)];
        view.get(bytes);
        String hex = HexFormat.ofDelimiter(" ").formatHex(bytes);
        return view.remaining() > 0 ? hex + " ..." : hex;
    }
}
