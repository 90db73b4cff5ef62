package io.quarkiverse.messaging.kinesis.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads every shard of a stream, as a test's consumer: {@code companion.consume("orders").fromLatest()} before the
 * application writes, then {@code awaitRecords(3, Duration.ofSeconds(10))}. Successive calls continue where the
 * previous one stopped. Shards that appear later (resharding) are read from their start. Not thread-safe: one test
 * thread uses it.
 */
public final class StreamConsumer {

    private final KinesisClient client;
    private final String stream;
    private final Map<String, ShardReader> shards = new LinkedHashMap<>();
    private final List<StreamRecord> received = new ArrayList<>();
    private boolean started;

    StreamConsumer(KinesisClient client, String stream) {
        this.client = client;
        this.stream = stream;
    }

    /** Reads from the oldest record the stream holds (the default). */
    public StreamConsumer fromTrimHorizon() {
        return start(ShardIteratorType.TRIM_HORIZON);
    }

    /** Reads only the records written after this call. */
    public StreamConsumer fromLatest() {
        return start(ShardIteratorType.LATEST);
    }

    /**
     * Waits until this consumer has received at least {@code count} records in all.
     *
     * @return every record received so far (at least {@code count}), in the order of reading: per shard in sequence
     *         order, shards interleaved
     * @throws AssertionError naming the stream, the count expected and got, and the time waited, when fewer arrived
     *         within {@code timeout}
     */
    public List<StreamRecord> awaitRecords(int count, Duration timeout) {
        ensureStarted();
        long deadline = Blocking.deadline(timeout);
        while (received.size() < count) {
            readRound();
            if (received.size() >= count) {
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Stream '" + stream + "': expected at least " + count + " records within "
                        + Blocking.seconds(timeout) + ", got " + received.size() + " from shards " + shards.keySet());
            }
            Blocking.pause();
        }
        return List.copyOf(received);
    }

    /**
     * Reads until every shard is caught up (an empty page at the tip of the shard), without waiting for more.
     *
     * @return every record received so far
     */
    public List<StreamRecord> readToEnd(Duration timeout) {
        ensureStarted();
        long deadline = Blocking.deadline(timeout);
        while (!readRound()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Stream '" + stream + "': not read to its end within "
                        + Blocking.seconds(timeout) + " (" + received.size() + " records read)");
            }
        }
        return List.copyOf(received);
    }

    /** Every record received so far. */
    public List<StreamRecord> received() {
        return List.copyOf(received);
    }

    private StreamConsumer start(ShardIteratorType position) {
        if (started) {
            throw new IllegalStateException("The consumer of stream '" + stream + "' already started reading");
        }
        for (Shard shard : KinesisCompanion.listShards(client, stream)) {
            shards.put(shard.shardId(), new ShardReader(client, stream, shard.shardId(), position));
        }
        started = true;
        return this;
    }

    private void ensureStarted() {
        if (!started) {
            fromTrimHorizon();
        }
    }

    /** One page of every shard; @return whether every shard was caught up. */
    private boolean readRound() {
        for (Shard shard : KinesisCompanion.listShards(client, stream)) {
            shards.computeIfAbsent(shard.shardId(),
                    id -> new ShardReader(client, stream, id, ShardIteratorType.TRIM_HORIZON));
        }
        boolean caughtUp = true;
        for (ShardReader shard : shards.values()) {
            shard.readPage(received);
            caughtUp &= shard.caughtUp();
        }
        return caughtUp;
    }
}
