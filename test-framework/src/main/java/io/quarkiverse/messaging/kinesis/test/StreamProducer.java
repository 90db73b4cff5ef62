package io.quarkiverse.messaging.kinesis.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Writes records to a stream, as a test's producer: {@code companion.produce("orders").record("alice", "book")
 * .record("bob", "pen").send()}, or {@code produce("orders").strings("alice", "a", "b")}. Records go in PutRecords
 * requests of up to 500, in the order added; entries Kinesis refuses (throttling) are sent again until the timeout.
 */
public final class StreamProducer {

    private static final int MAX_RECORDS_PER_REQUEST = 500;

    /** Where Kinesis stored a record. */
    public record Sent(String partitionKey, String shardId, String sequenceNumber) {
    }

    private final KinesisClient client;
    private final String stream;
    private final Duration timeout;
    private final List<PutRecordsRequestEntry> pending = new ArrayList<>();

    StreamProducer(KinesisClient client, String stream, Duration timeout) {
        this.client = client;
        this.stream = stream;
        this.timeout = timeout;
    }

    /** Adds a record with a UTF-8 payload; nothing is sent before {@link #send()}. */
    public StreamProducer record(String partitionKey, String data) {
        return record(partitionKey, data.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds a record; nothing is sent before {@link #send()}. */
    public StreamProducer record(String partitionKey, byte[] data) {
        if (partitionKey == null || partitionKey.isEmpty()) {
            throw new IllegalArgumentException("Stream '" + stream + "': a record needs a partition key (1 to 256 "
                    + "characters), got " + (partitionKey == null ? "null" : "an empty one"));
        }
        pending.add(PutRecordsRequestEntry.builder().partitionKey(partitionKey).data(SdkBytes.fromByteArray(data))
                .build());
        return this;
    }

    /** Sends UTF-8 records, all with one partition key (so they land in one shard, in this order). */
    public List<Sent> strings(String partitionKey, String... values) {
        Arrays.stream(values).forEach(value -> record(partitionKey, value));
        return send();
    }

    /**
     * Sends the records added, waiting until Kinesis has every one.
     *
     * @return where each record was stored, in the order added
     * @throws AssertionError naming the stream, the records not written and the last error code, when some are still
     *         refused at the timeout
     */
    public List<Sent> send() {
        List<PutRecordsRequestEntry> entries = List.copyOf(pending);
        pending.clear();
        Sent[] sent = new Sent[entries.size()];
        long deadline = Blocking.deadline(timeout);
        for (int from = 0; from < entries.size(); from += MAX_RECORDS_PER_REQUEST) {
            Map<Integer, PutRecordsRequestEntry> unsent = new TreeMap<>();
            for (int i = from; i < Math.min(entries.size(), from + MAX_RECORDS_PER_REQUEST); i++) {
                unsent.put(i, entries.get(i));
            }
            sendBatch(unsent, sent, deadline);
        }
        return List.of(sent);
    }

    /** Sends the entries (index in the send → entry) until all are written. */
    private void sendBatch(Map<Integer, PutRecordsRequestEntry> unsent, Sent[] sent, long deadline) {
        String lastError = null;
        while (!unsent.isEmpty()) {
            if (lastError != null) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("Stream '" + stream + "': " + unsent.size() + " record(s) not written within "
                            + Blocking.seconds(timeout) + " (positions " + unsent.keySet() + "), last error: "
                            + lastError);
                }
                Blocking.pause();
            }
            List<Integer> positions = List.copyOf(unsent.keySet());
            PutRecordsResponse response = client.putRecords(r -> r.streamName(stream)
                    .records(positions.stream().map(unsent::get).toList()));
            for (int i = 0; i < positions.size(); i++) {
                PutRecordsResultEntry result = response.records().get(i);
                int position = positions.get(i);
                if (result.errorCode() == null) {
                    sent[position] = new Sent(unsent.remove(position).partitionKey(), result.shardId(),
                            result.sequenceNumber());
                } else {
                    lastError = result.errorCode() + ": " + result.errorMessage();
                }
            }
        }
    }
}
