package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisServiceClientConfiguration;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * A {@link KinesisAsyncClient} that only knows PutRecords. It records every request with what was true when it was
 * sent (attempt numbers, keys in flight, records already written), and answers asynchronously on its own small
 * executor through a {@link Script}. Answers can be held back until {@link #releaseAnswers()}, or never given.
 * Records it accepts get a shard id and an increasing sequence number, and are logged in the order written.
 */
final class FakeKinesisClient implements KinesisAsyncClient {

    static final String THROUGHPUT_EXCEEDED = "ProvisionedThroughputExceededException";
    static final String INTERNAL_FAILURE = "InternalFailure";
    static final String THROUGHPUT_MESSAGE = "Rate exceeded for shard shardId-000000000001 in stream test-stream under account 000000000000.";
    static final String INTERNAL_FAILURE_MESSAGE = "Internal service failure.";

    /** Decides the answer to one call: return the response, or throw to fail the whole request. */
    @FunctionalInterface
    interface Script {
        PutRecordsResponse answer(Call call);
    }

    /** Decides the fate of one entry: {@code null} to write it, or the error code to refuse it with. */
    @FunctionalInterface
    interface EntryRule {
        String refusal(String data, int attempt);
    }

    static final EntryRule ACCEPT_ALL = (data, attempt) -> null;

    /** One PutRecords call, as the fake saw it. */
    static final class Call {
        final int index;
        final PutRecordsRequest request;
        /** Per entry: how many times the fake has been sent that data, this time included. */
        final List<Integer> attempts;
        /** "stream/key" of the entries of requests sent before this one and not answered yet. */
        final Set<String> keysInFlightAtSend;
        /** Data of the records written (accepted) before this request was sent. */
        final Set<String> writtenBeforeSend;
        boolean answered;

        Call(int index, PutRecordsRequest request, List<Integer> attempts, Set<String> keysInFlightAtSend,
                Set<String> writtenBeforeSend) {
            this.index = index;
            this.request = request;
            this.attempts = attempts;
            this.keysInFlightAtSend = keysInFlightAtSend;
            this.writtenBeforeSend = writtenBeforeSend;
        }

        String stream() {
            return request.streamName() != null ? request.streamName() : request.streamARN();
        }

        List<String> data() {
            return request.records().stream().map(FakeKinesisClient::dataOf).toList();
        }

        List<String> keys() {
            return request.records().stream().map(PutRecordsRequestEntry::partitionKey).toList();
        }

        /** Data plus partition key bytes of every entry, as Kinesis counts them against the request limit. */
        long bytes() {
            long bytes = 0;
            for (PutRecordsRequestEntry entry : request.records()) {
                bytes += entry.data().asByteArrayUnsafe().length + OutgoingRecordFactory.utf8Length(entry.partitionKey());
            }
            return bytes;
        }

        @Override
        public String toString() {
            return "Call#" + index + stream() + data();
        }
    }

    /** A record the fake accepted, in the order it accepted them. */
    record Write(int call, String stream, String partitionKey, String data, String shardId, String sequenceNumber) {
    }

    private final ExecutorService executor;
    private final List<Call> calls = new ArrayList<>();
    private final List<Write> writes = new ArrayList<>();
    private final Map<String, Integer> attemptsByData = new HashMap<>();
    private long sequence = 49_000_000_000L;
    private volatile Script script = call -> answerEntries(call, ACCEPT_ALL);
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private volatile boolean neverAnswer;

    FakeKinesisClient() {
        this(2);
    }

    FakeKinesisClient(int answerThreads) {
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(answerThreads, task -> {
            Thread thread = new Thread(task, "fake-kinesis-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    // ---------------------------------------------------------------- scripting

    void script(Script script) {
        this.script = script;
    }

    /** Answers each entry with the rule; the whole request succeeds. */
    void entries(EntryRule rule) {
        script(call -> answerEntries(call, rule));
    }

    /** The entry with this data is refused with the given codes on its first attempts, then written. */
    void refuseEntry(String data, String... codesOfFirstAttempts) {
        refuseEntries(Map.of(data, List.of(codesOfFirstAttempts)));
    }

    void refuseEntries(Map<String, List<String>> codesOfFirstAttemptsByData) {
        entries((data, attempt) -> {
            List<String> codes = codesOfFirstAttemptsByData.get(data);
            return codes != null && attempt <= codes.size() ? codes.get(attempt - 1) : null;
        });
    }

    /** The first {@code count} calls fail as a whole with the given exception; later calls succeed. */
    void failFirstRequests(int count, Supplier<? extends RuntimeException> failure) {
        script(call -> {
            if (call.index < count) {
                throw failure.get();
            }
            return answerEntries(call, ACCEPT_ALL);
        });
    }

    /** Calls are recorded, but answered only once {@link #releaseAnswers()} is called. */
    void holdAnswers() {
        gate = new CompletableFuture<>();
    }

    void releaseAnswers() {
        gate.complete(null);
    }

    /** Calls are recorded but never answered: their futures never complete. */
    void neverAnswer() {
        neverAnswer = true;
    }

    /** Builds the answer of a call entry by entry; accepted entries are logged as written. */
    PutRecordsResponse answerEntries(Call call, EntryRule rule) {
        List<PutRecordsResultEntry> results = new ArrayList<>();
        int failed = 0;
        synchronized (this) {
            List<PutRecordsRequestEntry> entries = call.request.records();
            for (int i = 0; i < entries.size(); i++) {
                PutRecordsRequestEntry entry = entries.get(i);
                String data = dataOf(entry);
                String code = rule.refusal(data, call.attempts.get(i));
                if (code == null) {
                    String shardId = shardOf(entry.partitionKey());
                    String sequenceNumber = String.valueOf(++sequence);
                    writes.add(new Write(call.index, call.stream(), entry.partitionKey(), data, shardId, sequenceNumber));
                    results.add(PutRecordsResultEntry.builder().shardId(shardId).sequenceNumber(sequenceNumber).build());
                } else {
                    failed++;
                    results.add(PutRecordsResultEntry.builder().errorCode(code).errorMessage(messageOf(code)).build());
                }
            }
        }
        return PutRecordsResponse.builder().records(results).failedRecordCount(failed).build();
    }

    // ---------------------------------------------------------------- observation

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized int callCount() {
        return calls.size();
    }

    synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    synchronized Write writeOf(String data) {
        return writes.stream().filter(write -> write.data().equals(data)).findFirst().orElse(null);
    }

    /** The data written for this partition key, in the order the fake accepted it. */
    synchronized List<String> writtenDataOfKey(String partitionKey) {
        return writes.stream().filter(write -> write.partitionKey().equals(partitionKey)).map(Write::data).toList();
    }

    /** How many times the fake was sent this data. */
    synchronized int timesSent(String data) {
        return attemptsByData.getOrDefault(data, 0);
    }

    /** Every entry data of every call, in call order. */
    synchronized List<String> allSentData() {
        List<String> all = new ArrayList<>();
        calls.forEach(call -> all.addAll(call.data()));
        return all;
    }

    // ---------------------------------------------------------------- KinesisAsyncClient

    @Override
    public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
        Call call;
        synchronized (this) {
            List<Integer> attempts = new ArrayList<>();
            for (PutRecordsRequestEntry entry : request.records()) {
                attempts.add(attemptsByData.merge(dataOf(entry), 1, Integer::sum));
            }
            Set<String> keysInFlight = new HashSet<>();
            for (Call earlier : calls) {
                if (!earlier.answered) {
                    for (String key : earlier.keys()) {
                        keysInFlight.add(earlier.stream() + "/" + key);
                    }
                }
            }
            Set<String> written = new LinkedHashSet<>();
            writes.forEach(write -> written.add(write.data()));
            call = new Call(calls.size(), request, Collections.unmodifiableList(attempts), keysInFlight,
                    Collections.unmodifiableSet(written));
            calls.add(call);
        }
        if (neverAnswer) {
            return new CompletableFuture<>();
        }
        return gate.thenApplyAsync(ignored -> answer(call), executor);
    }

    private PutRecordsResponse answer(Call call) {
        try {
            return script.answer(call);
        } finally {
            synchronized (this) {
                call.answered = true;
            }
        }
    }

    @Override
    public KinesisServiceClientConfiguration serviceClientConfiguration() {
        return KinesisServiceClientConfiguration.builder().region(Region.US_EAST_1).build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- helpers

    /** The data as text (leniently decoded: binary payloads are fine, they just read oddly). */
    static String dataOf(PutRecordsRequestEntry entry) {
        return new String(entry.data().asByteArrayUnsafe(), StandardCharsets.UTF_8);
    }

    private static String shardOf(String partitionKey) {
        return "shardId-00000000000" + Math.floorMod(partitionKey.hashCode(), 4);
    }

    private static String messageOf(String code) {
        return THROUGHPUT_EXCEEDED.equals(code) ? THROUGHPUT_MESSAGE
                : INTERNAL_FAILURE.equals(code) ? INTERNAL_FAILURE_MESSAGE : code + " for this record.";
    }

    static ProvisionedThroughputExceededException throughputExceeded() {
        return ProvisionedThroughputExceededException.builder()
                .message(THROUGHPUT_MESSAGE)
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("Kinesis").errorCode(THROUGHPUT_EXCEEDED)
                        .errorMessage(THROUGHPUT_MESSAGE).build())
                .build();
    }

    static ResourceNotFoundException streamNotFound(String stream) {
        String message = "Stream " + stream + " under account 000000000000 not found.";
        return ResourceNotFoundException.builder()
                .message(message)
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("Kinesis").errorCode("ResourceNotFoundException")
                        .errorMessage(message).build())
                .build();
    }

    static SdkClientException connectionReset() {
        return SdkClientException.create("Unable to execute HTTP request: Connection reset");
    }
}
