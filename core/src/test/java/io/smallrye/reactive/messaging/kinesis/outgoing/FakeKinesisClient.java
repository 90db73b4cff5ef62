package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.math.BigInteger;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.smallrye.reactive.messaging.kinesis.aggregation.Deaggregated;
import io.smallrye.reactive.messaging.kinesis.aggregation.Deaggregator;
import io.smallrye.reactive.messaging.kinesis.aggregation.HashKeys;
import io.smallrye.reactive.messaging.kinesis.aggregation.ShardMap;
import io.smallrye.reactive.messaging.kinesis.aggregation.SubRecord;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisServiceClientConfiguration;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A {@link KinesisAsyncClient} that only knows PutRecords and ListShards. It records every request with what was true
 * when it was sent (attempt numbers, keys in flight, records already written), and answers asynchronously on its own
 * small executor through a {@link Script}. Answers can be held back until {@link #releaseAnswers()}, or never given.
 * Records it accepts get a shard id and an increasing sequence number, and are logged in the order written.
 * <p>
 * KPL aggregated entries are unpacked (with the connector's de-aggregator, checked against the KCL elsewhere): the
 * user records they carry are what counts for attempts, keys in flight, refusal rules and the write log, where each
 * gets the entry's sequence number and its sub-sequence number. Without {@link #shards shards}, an entry's shard is
 * made up from its partition key; with them, it is the shard owning the entry's explicit hash key or partition key
 * hash, as in Kinesis, and ListShards lists them (in pages of {@link #listShardsPageSize}), answering at once or when
 * {@link #releaseListShards()} is called.
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

    /**
     * Decides the fate of one user record: {@code null} to write it, or the error code to refuse it with. An
     * aggregated entry is refused (whole) with the first code one of its user records gets.
     */
    @FunctionalInterface
    interface EntryRule {
        String refusal(String data, int attempt);
    }

    /** Decides the fate of one entry from all it carries: {@code null} to write it, or the error code. */
    @FunctionalInterface
    interface ContainerRule {
        String refusal(SentEntry entry);
    }

    /** A user record as sent: the record itself for a plain entry, or one of an aggregated entry's. */
    record UserRecord(String partitionKey, String explicitHashKey, String data, int subSequenceNumber, int attempt) {

        BigInteger hashKey() {
            return HashKeys.effective(partitionKey, explicitHashKey);
        }
    }

    /** One entry of a request, unpacked. */
    record SentEntry(PutRecordsRequestEntry entry, boolean aggregated, List<UserRecord> records) {

        List<String> data() {
            return records.stream().map(UserRecord::data).toList();
        }

        List<String> keys() {
            return records.stream().map(UserRecord::partitionKey).toList();
        }

        /** Data plus partition key bytes, as Kinesis counts them against the record limit. */
        long bytes() {
            return entry.data().asByteArrayUnsafe().length + OutgoingRecordFactory.utf8Length(entry.partitionKey());
        }
    }

    static final EntryRule ACCEPT_ALL = (data, attempt) -> null;

    /** One PutRecords call, as the fake saw it. */
    static final class Call {
        final int index;
        final PutRecordsRequest request;
        /** Per entry: how many times the fake has been sent that data, this time included (first user record). */
        final List<Integer> attempts;
        /** Per entry: the user records it carries, with their attempt numbers. */
        final List<SentEntry> entries;
        /** "stream/key" of the (user) records of requests sent before this one and not answered yet. */
        final Set<String> keysInFlightAtSend;
        /** Data of the (user) records written (accepted) before this request was sent. */
        final Set<String> writtenBeforeSend;
        /** The Vert.x context the request was sent from (null: none) and the thread its answer was made on. */
        final Context callerContext = Vertx.currentContext();
        volatile String answerThread;
        boolean answered;

        Call(int index, PutRecordsRequest request, List<SentEntry> entries, Set<String> keysInFlightAtSend,
                Set<String> writtenBeforeSend) {
            this.index = index;
            this.request = request;
            this.entries = entries;
            this.attempts = entries.stream().map(entry -> entry.records().get(0).attempt()).toList();
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

        /** The partition keys of every user record, entry after entry. */
        List<String> userKeys() {
            return entries.stream().flatMap(entry -> entry.keys().stream()).toList();
        }

        /** The data of every user record, entry after entry. */
        List<String> userData() {
            return entries.stream().flatMap(entry -> entry.data().stream()).toList();
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
            return "Call#" + index + stream() + userData();
        }
    }

    /**
     * A (user) record the fake accepted, in the order it accepted them. Those of one aggregated entry share its
     * sequence number and have sub-sequence numbers 0..n-1; a plain record has 0 and {@code aggregated} false.
     */
    record Write(int call, String stream, String partitionKey, String explicitHashKey, String data, String shardId,
            String sequenceNumber, long subSequenceNumber, boolean aggregated) {

        /** Where the record stands in its shard: sequence number, then sub-sequence number. */
        static final java.util.Comparator<Write> SHARD_ORDER = java.util.Comparator
                .<Write, BigInteger> comparing(write -> new BigInteger(write.sequenceNumber()))
                .thenComparingLong(Write::subSequenceNumber);
    }

    private final ExecutorService executor;
    private final List<Call> calls = new ArrayList<>();
    private final List<Write> writes = new ArrayList<>();
    private final Map<String, Integer> attemptsByData = new HashMap<>();
    private long sequence = 49_000_000_000L;
    private volatile Script script = call -> answerEntries(call, ACCEPT_ALL);
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private volatile boolean neverAnswer;
    private volatile List<Shard> shards;
    private volatile ShardMap shardMap;
    private volatile int listShardsPageSize = 1000;
    private volatile CompletableFuture<Void> listShardsGate = CompletableFuture.completedFuture(null);
    private final List<ListShardsRequest> listShardsRequests = new ArrayList<>();
    /** The Vert.x context each ListShards request was sent from (null: none). */
    final List<Context> listShardsCallerContexts = new CopyOnWriteArrayList<>();
    private volatile int listingsToFail;

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

    /** Answers each entry with the rule, which sees everything the entry carries; the whole request succeeds. */
    void containers(ContainerRule rule) {
        script(call -> answerEntries(call, rule));
    }

    /**
     * The stream's shards from now on: ListShards lists them, and PutRecords answers with the open one owning each
     * entry's hash key.
     */
    void shards(List<Shard> shards) {
        this.shardMap = ShardMap.fromShards(shards);
        this.shards = List.copyOf(shards);
    }

    /** How many shards ListShards puts in one page. */
    void listShardsPageSize(int size) {
        this.listShardsPageSize = size;
    }

    /** The next {@code count} listings fail (access denied); later ones are answered. */
    void failListings(int count) {
        listingsToFail = count;
    }

    /** ListShards is answered only once {@link #releaseListShards()} is called. */
    void holdListShards() {
        listShardsGate = new CompletableFuture<>();
    }

    /** Answers the ListShards calls held back, on this thread, before returning. */
    void releaseListShards() {
        listShardsGate.complete(null);
    }

    /** Open shards splitting the hash key space evenly, with ids {@code shardId-<firstId>} and up. */
    static List<Shard> evenShards(int count, int firstId) {
        List<Shard> shards = new ArrayList<>();
        BigInteger space = HashKeys.MAX.add(BigInteger.ONE);
        for (int i = 0; i < count; i++) {
            BigInteger start = space.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(count));
            BigInteger end = space.multiply(BigInteger.valueOf(i + 1)).divide(BigInteger.valueOf(count))
                    .subtract(BigInteger.ONE);
            shards.add(shard(firstId + i, start, end));
        }
        return shards;
    }

    /** The same shards, closed (as the parents of a resharding are listed). */
    static List<Shard> closed(List<Shard> shards) {
        return shards.stream().map(shard -> shard.toBuilder()
                .sequenceNumberRange(shard.sequenceNumberRange().toBuilder()
                        .endingSequenceNumber("49590338271490256608559692540925702759324208523137515618").build())
                .build()).toList();
    }

    private static Shard shard(int id, BigInteger start, BigInteger end) {
        return Shard.builder()
                .shardId(String.format("shardId-%012d", id))
                .hashKeyRange(HashKeyRange.builder().startingHashKey(start.toString()).endingHashKey(end.toString())
                        .build())
                .sequenceNumberRange(SequenceNumberRange.builder()
                        .startingSequenceNumber("49590338271490256608559692538361571095921575989136588898")
                        .build())
                .build();
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
        return answerEntries(call, (ContainerRule) entry -> {
            for (UserRecord record : entry.records()) {
                String code = rule.refusal(record.data(), record.attempt());
                if (code != null) {
                    return code;
                }
            }
            return null;
        });
    }

    /** Builds the answer of a call entry by entry; the user records of accepted entries are logged as written. */
    PutRecordsResponse answerEntries(Call call, ContainerRule rule) {
        List<PutRecordsResultEntry> results = new ArrayList<>();
        int failed = 0;
        synchronized (this) {
            for (SentEntry entry : call.entries) {
                String code = rule.refusal(entry);
                if (code == null) {
                    String shardId = shardOf(entry.entry());
                    String sequenceNumber = String.valueOf(++sequence);
                    for (UserRecord record : entry.records()) {
                        writes.add(new Write(call.index, call.stream(), record.partitionKey(),
                                record.explicitHashKey(), record.data(), shardId, sequenceNumber,
                                record.subSequenceNumber(), entry.aggregated()));
                    }
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

    /** How many ListShards requests the fake got (pages included). */
    synchronized int listShardsCalls() {
        return listShardsRequests.size();
    }

    /** How many listings the fake got: ListShards requests for a first page (by stream name or ARN). */
    synchronized int listings() {
        return (int) listShardsRequests.stream().filter(request -> request.nextToken() == null).count();
    }

    /** The streams listed, in order: "name:{name}" or "arn:{arn}" as the first page of each listing named them. */
    synchronized List<String> listedStreams() {
        return listShardsRequests.stream().filter(request -> request.nextToken() == null)
                .map(request -> request.streamName() != null ? "name:" + request.streamName()
                        : "arn:" + request.streamARN())
                .toList();
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
            List<SentEntry> entries = new ArrayList<>();
            for (PutRecordsRequestEntry entry : request.records()) {
                entries.add(unpack(entry));
            }
            Set<String> keysInFlight = new HashSet<>();
            for (Call earlier : calls) {
                if (!earlier.answered) {
                    for (String key : earlier.userKeys()) {
                        keysInFlight.add(earlier.stream() + "/" + key);
                    }
                }
            }
            Set<String> written = new LinkedHashSet<>();
            writes.forEach(write -> written.add(write.data()));
            call = new Call(calls.size(), request, Collections.unmodifiableList(entries), keysInFlight,
                    Collections.unmodifiableSet(written));
            calls.add(call);
        }
        if (neverAnswer) {
            return new CompletableFuture<>();
        }
        return gate.thenApplyAsync(ignored -> answer(call), executor);
    }

    /** The user records of an entry, counting one more attempt for each. Must hold the lock. */
    private SentEntry unpack(PutRecordsRequestEntry entry) {
        Deaggregated unpacked = Deaggregator.deaggregate(entry.data());
        List<UserRecord> records = new ArrayList<>();
        if (unpacked.aggregated()) {
            for (SubRecord sub : unpacked.records()) {
                String data = new String(sub.dataAsBytes(), StandardCharsets.UTF_8);
                records.add(new UserRecord(sub.partitionKey(), sub.explicitHashKey(), data, sub.subSequenceNumber(),
                        attemptsByData.merge(data, 1, Integer::sum)));
            }
        } else {
            String data = dataOf(entry);
            records.add(new UserRecord(entry.partitionKey(), entry.explicitHashKey(), data, 0,
                    attemptsByData.merge(data, 1, Integer::sum)));
        }
        return new SentEntry(entry, unpacked.aggregated(), List.copyOf(records));
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        synchronized (this) {
            listShardsRequests.add(request);
            listShardsCallerContexts.add(Vertx.currentContext());
            if (listingsToFail > 0 && request.nextToken() == null) {
                listingsToFail--;
                return CompletableFuture.failedFuture(accessDenied());
            }
        }
        // answered on the thread that releases the gate, or at once: the caller has the map when this returns
        return listShardsGate.thenApply(ignored -> answerListShards(request));
    }

    private ListShardsResponse answerListShards(ListShardsRequest request) {
        List<Shard> listed = shards;
        boolean named = request.streamName() != null || request.streamARN() != null;
        if (listed == null) {
            throw new UnsupportedOperationException("ListShards: no shards set on the fake");
        }
        if (named == (request.nextToken() != null)) {
            // as Kinesis: a first page names the stream, a next page gives only the token
            throw InvalidArgumentException.builder().message("Exactly one of stream or NextToken: " + request).build();
        }
        int from = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken().substring("page-".length()));
        int to = Math.min(listed.size(), from + listShardsPageSize);
        return ListShardsResponse.builder()
                .shards(listed.subList(from, to))
                .nextToken(to < listed.size() ? "page-" + to : null)
                .build();
    }

    private PutRecordsResponse answer(Call call) {
        call.answerThread = Thread.currentThread().getName();
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

    /** The open shard owning the entry's hash key, or without shards, one made up from its partition key. */
    private String shardOf(PutRecordsRequestEntry entry) {
        ShardMap map = shardMap;
        if (map == null) {
            return "shardId-00000000000" + Math.floorMod(entry.partitionKey().hashCode(), 4);
        }
        return map.shardFor(entry.partitionKey(), entry.explicitHashKey());
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

    static AccessDeniedException accessDenied() {
        String message = "User: arn:aws:iam::000000000000:user/app is not authorized to perform: kinesis:ListShards";
        return AccessDeniedException.builder()
                .message(message)
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("Kinesis").errorCode("AccessDeniedException")
                        .errorMessage(message).build())
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
