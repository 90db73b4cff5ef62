package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.reactive.messaging.kinesis.inspect.ShardSnapshot;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;

/**
 * The shard readers of a channel that read now, one per shard, and the count of records fetched by the ones that
 * stopped. Tells metrics when a shard's reading stops. Channel context only.
 */
final class ActiveReaders {

    private final String channel;
    private final String stream;
    private final KinesisMetrics metrics;
    private final Map<String, ShardReader> readers = new LinkedHashMap<>();
    private long fetchedByStoppedReaders;

    ActiveReaders(String channel, String stream, KinesisMetrics metrics) {
        this.channel = channel;
        this.stream = stream;
        this.metrics = metrics;
    }

    void add(ShardReader reader) {
        readers.put(reader.shardId(), reader);
    }

    /** Removes the reader, if it still reads its shard. Returns whether it did. */
    boolean remove(ShardReader reader) {
        if (!readers.remove(reader.shardId(), reader)) {
            return false;
        }
        stopped(reader);
        return true;
    }

    /** Removes the shard's reader; returns it, or null if none reads the shard. */
    ShardReader remove(String shardId) {
        ShardReader reader = readers.remove(shardId);
        if (reader != null) {
            stopped(reader);
        }
        return reader;
    }

    private void stopped(ShardReader reader) {
        fetchedByStoppedReaders += reader.progress().fetchedCount();
        metrics.shardReadingStopped(channel, stream, reader.shardId());
    }

    /** A copy of the readers, safe to iterate while readers are removed. */
    List<ShardReader> all() {
        return List.copyOf(readers.values());
    }

    /** Stops every reader (they stay registered: their progress is still to be saved). */
    void stopAll() {
        readers.values().forEach(reader -> {
            reader.stop();
            metrics.shardReadingStopped(channel, stream, reader.shardId());
        });
    }

    /** Forgets every reader (stopped before): a stream no longer read. */
    void clear() {
        readers.clear();
    }

    List<ShardProgress> progresses() {
        List<ShardProgress> all = new ArrayList<>(readers.size());
        readers.values().forEach(reader -> all.add(reader.progress()));
        return all;
    }

    List<ShardSnapshot> snapshots() {
        List<ShardSnapshot> all = new ArrayList<>(readers.size());
        readers.values().forEach(reader -> all.add(reader.snapshot()));
        return all;
    }

    int size() {
        return readers.size();
    }

    boolean allPositioned() {
        return readers.values().stream().allMatch(ShardReader::positioned);
    }

    /** Records fetched and not completed yet, all shards together. */
    int pendingRecords() {
        return readers.values().stream().mapToInt(reader -> reader.progress().pending()).sum();
    }

    /** Records fetched since the start, all shards together. */
    long fetchedRecords() {
        return fetchedByStoppedReaders
                + readers.values().stream().mapToLong(reader -> reader.progress().fetchedCount()).sum();
    }

    /** The readers' problems, for health. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        readers.values().forEach(reader -> {
            String problem = reader.problem();
            if (problem != null) {
                problems.add(problem);
            }
        });
        return problems;
    }
}
