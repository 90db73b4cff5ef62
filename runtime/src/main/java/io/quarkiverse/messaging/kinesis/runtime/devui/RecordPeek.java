package io.quarkiverse.messaging.kinesis.runtime.devui;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * Finds the latest records of a shard for the Records page. Kinesis reads forwards only: the shard is read from its
 * oldest record (TRIM_HORIZON) until a page says it is at the tip ({@code millisBehindLatest} 0 and no records), keeping
 * the last {@code count} user records; at most {@link #MAX_CALLS} GetRecords calls, so a big shard shows the latest of
 * what those read. Aggregated records are unpacked with the connector's de-aggregator.
 */
final class RecordPeek {

    static final int MAX_CALLS = 20;
    static final int MAX_COUNT = 100;
    static final int HEX_BYTES = 4096;

    private final KinesisAsyncClient client;
    private final String stream;
    private final String shardId;
    private final int count;
    private final Deque<PeekedRecord> latest = new ArrayDeque<>();
    private int scanned;
    private int calls;

    private RecordPeek(KinesisAsyncClient client, String stream, String shardId, int count) {
        this.client = client;
        this.stream = stream;
        this.shardId = shardId;
        this.count = count;
    }

    static Uni<PeekView> peek(KinesisAsyncClient client, String stream, String shardId, int count) {
        return new RecordPeek(client, stream, shardId, count).run();
    }

    private Uni<PeekView> run() {
        StreamRef ref = new StreamRef(stream);
        return Uni.createFrom()
                .completionStage(() -> client.getShardIterator(r -> r.streamName(ref.name()).streamARN(ref.arn())
                        .shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON)))
                .chain(answer -> page(ref, answer.shardIterator()))
                .map(complete -> new PeekView(stream, shardId, scanned, complete, new ArrayList<>(latest), null))
                .onFailure().recoverWithItem(
                        failure -> new PeekView(stream, shardId, scanned, false, List.of(), AwsErrors.summary(failure)));
    }

    /** Reads pages from the iterator on; the Uni tells whether the tip (or the end of a closed shard) was reached. */
    private Uni<Boolean> page(StreamRef ref, String iterator) {
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
                    return calls >= MAX_CALLS ? Uni.createFrom().item(false) : page(ref, answer.nextShardIterator());
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
