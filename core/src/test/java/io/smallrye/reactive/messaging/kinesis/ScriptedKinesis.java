package io.smallrye.reactive.messaging.kinesis;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A fake Kinesis for exact fault sequences: shards with scripted records, failures injected at chosen GetRecords
 * calls, ListShards answered one shard per page. Answers asynchronously, as the SDK does. Iterators are
 * {@code shardId/index}; every call is recorded.
 */
public class ScriptedKinesis implements KinesisAsyncClient {

    private static final BigInteger SEQUENCE_BASE = new BigInteger("49600000000000000000000000000000000000000000000000000000");

    /** One shard of the script. */
    public final class ScriptedShard {
        final String id;
        final String parent;
        final String adjacentParent;
        final List<Record> records = new CopyOnWriteArrayList<>();
        final Map<Integer, Supplier<RuntimeException>> faults = new ConcurrentHashMap<>();
        final List<Long> callTimes = new CopyOnWriteArrayList<>();
        final List<Integer> limits = new CopyOnWriteArrayList<>();
        volatile HashKeyRange hashKeyRange = HashKeyRange.builder().startingHashKey("0")
                .endingHashKey(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString()).build();
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean closed;
        volatile boolean listed = true;
        volatile List<String> children = List.of();

        ScriptedShard(String id, String parent, String adjacentParent) {
            this.id = id;
            this.parent = parent;
            this.adjacentParent = adjacentParent;
        }

        /** Appends records whose data is {@code shardId:index}, partition keys {@code key-(index % 5)}. */
        public ScriptedShard withRecords(int count) {
            return withRecords(count, Instant.now());
        }

        /** {@link #withRecords(int)}, the records stamped as arrived at that instant (AT_TIMESTAMP reads by it). */
        public ScriptedShard withRecords(int count, Instant arrival) {
            int shardNumber = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
            for (int i = 0; i < count; i++) {
                int index = records.size();
                records.add(Record.builder()
                        .sequenceNumber(SEQUENCE_BASE.add(BigInteger.valueOf(shardNumber * 1_000_000L + index * 10L))
                                .toString())
                        .partitionKey("key-" + (index % 5))
                        .data(SdkBytes.fromUtf8String(id + ":" + index))
                        .approximateArrivalTimestamp(arrival)
                        .build());
            }
            return this;
        }

        /**
         * Appends one record with that partition key and data (an aggregated record, for instance); returns its
         * sequence number. Sequence numbers follow those of {@link #withRecords(int)}.
         */
        public String withData(String partitionKey, SdkBytes data) {
            int shardNumber = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
            String sequenceNumber = SEQUENCE_BASE.add(BigInteger.valueOf(shardNumber * 1_000_000L + records.size() * 10L))
                    .toString();
            records.add(Record.builder().sequenceNumber(sequenceNumber).partitionKey(partitionKey).data(data)
                    .approximateArrivalTimestamp(Instant.now()).build());
            return sequenceNumber;
        }

        /** The hash keys the shard owns, as ListShards and ChildShards say (all of them unless set). */
        public ScriptedShard withHashKeyRange(BigInteger start, BigInteger end) {
            hashKeyRange = HashKeyRange.builder().startingHashKey(start.toString()).endingHashKey(end.toString()).build();
            return this;
        }

        /** The limit of each GetRecords call, in order. */
        public List<Integer> limits() {
            return limits;
        }

        /** Closes the shard: after its last record, GetRecords answers no next iterator (and names the children). */
        public ScriptedShard closedWithChildren(String... childIds) {
            closed = true;
            children = List.of(childIds);
            return this;
        }

        /** The n-th GetRecords call (from 1) of this shard fails with the exception. */
        public ScriptedShard failCall(int call, Supplier<RuntimeException> failure) {
            faults.put(call, failure);
            return this;
        }

        /** Not returned by ListShards until {@link #reveal()}. */
        public ScriptedShard hidden() {
            listed = false;
            return this;
        }

        public void reveal() {
            listed = true;
        }

        public List<Long> callTimes() {
            return callTimes;
        }

        public int calls() {
            return calls.get();
        }

        /**
         * The shard no longer exists (its stream was recreated without it): ListShards leaves it out, GetShardIterator
         * and GetRecords answer ResourceNotFoundException.
         */
        public ScriptedShard gone() {
            listed = false;
            gone = true;
            return this;
        }

        volatile boolean gone;
    }

    private final Map<String, ScriptedShard> shards = new ConcurrentHashMap<>();
    private final List<String> order = new CopyOnWriteArrayList<>();
    private final Executor answers = CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS);
    private final List<String> iteratorRequests = new CopyOnWriteArrayList<>();
    private final List<Supplier<RuntimeException>> iteratorFaults = new CopyOnWriteArrayList<>();
    private final AtomicInteger listShardsCalls = new AtomicInteger();
    private final List<Supplier<RuntimeException>> describeFaults = new CopyOnWriteArrayList<>();
    private final List<Supplier<RuntimeException>> listFaults = new CopyOnWriteArrayList<>();
    private final List<StreamStatus> statuses = new CopyOnWriteArrayList<>();
    private final AtomicInteger describeCalls = new AtomicInteger();
    private volatile CompletableFuture<Void> listShardsHeld = CompletableFuture.completedFuture(null);
    private volatile CompletableFuture<Void> describeHeld = CompletableFuture.completedFuture(null);
    /** While true, the stream does not exist: every call answers ResourceNotFoundException. */
    public volatile boolean streamMissing;
    /** The creation time DescribeStreamSummary answers (none while null); a new one: the stream was recreated. */
    public volatile Instant streamCreatedAt;
    volatile int pageSize = 7;
    volatile boolean childShardsInAnswers = true;

    public ScriptedShard addShard(String id, String... parents) {
        ScriptedShard shard = new ScriptedShard(id, parents.length > 0 ? parents[0] : null,
                parents.length > 1 ? parents[1] : null);
        shards.put(id, shard);
        order.add(id);
        return shard;
    }

    public ScriptedShard shard(String id) {
        return shards.get(id);
    }

    /** The next GetShardIterator call fails with the exception (queued, one per call). */
    public void failNextIteratorRequest(Supplier<RuntimeException> failure) {
        iteratorFaults.add(failure);
    }

    /** The GetShardIterator requests, as {@code shardId type [sequence|timestamp]}. */
    public List<String> iteratorRequests() {
        return iteratorRequests;
    }

    public int listShardsCalls() {
        return listShardsCalls.get();
    }

    /** The next {@code count} DescribeStreamSummary calls fail with the exception. */
    public void failDescribeCalls(int count, Supplier<RuntimeException> failure) {
        for (int i = 0; i < count; i++) {
            describeFaults.add(failure);
        }
    }

    /** The next {@code count} ListShards calls fail with the exception. */
    public void failListShardsCalls(int count, Supplier<RuntimeException> failure) {
        for (int i = 0; i < count; i++) {
            listFaults.add(failure);
        }
    }

    /** ListShards calls from now on wait for {@link #releaseListShards()} before they answer: a stalled listing. */
    public void holdListShards() {
        listShardsHeld = new CompletableFuture<>();
    }

    /** The held ListShards calls answer, and the next ones answer at once. */
    public void releaseListShards() {
        listShardsHeld.complete(null);
    }

    /** DescribeStreamSummary calls do not answer until {@link #releaseDescribe()}. */
    public void holdDescribe() {
        describeHeld = new CompletableFuture<>();
    }

    /** The held DescribeStreamSummary calls answer, and the next ones answer at once. */
    public void releaseDescribe() {
        describeHeld.complete(null);
    }

    /** The next DescribeStreamSummary answers give these statuses, in order (then ACTIVE). */
    public void statuses(StreamStatus... next) {
        statuses.addAll(Arrays.asList(next));
    }

    public int describeCalls() {
        return describeCalls.get();
    }

    private static Supplier<RuntimeException> next(List<Supplier<RuntimeException>> faults) {
        return faults.isEmpty() ? null : faults.remove(0);
    }

    private RuntimeException missingStream(String stream) {
        return ResourceNotFoundException.builder()
                .message("Stream " + stream + " under account 000000000000 not found.").build();
    }

    static RuntimeException resourceNotFound() {
        return ResourceNotFoundException.builder()
                .message("Stream scripted-stream under account 000000000000 not found.").build();
    }

    /** kinesis-mock's answer to GetShardIterator at a sequence number the shard does not have. */
    static RuntimeException sequenceNumberNotFound() {
        return ResourceNotFoundException.builder().message("Record for provided SequenceNumber not found").build();
    }

    /** Kinesis' answer to GetShardIterator at a sequence number of another stream (or one past the trim horizon). */
    static RuntimeException invalidStartingSequenceNumber() {
        return InvalidArgumentException.builder().message("StartingSequenceNumber 49600000000000000000000000000000000000"
                + "000000000000000090 used in GetShardIterator on shard shardId-000000000000 in stream scripted-stream "
                + "under account 000000000000 is invalid because it did not come from this stream.").build();
    }

    static RuntimeException expired() {
        return ExpiredIteratorException.builder().message("Iterator expired").build();
    }

    static RuntimeException throttled() {
        return ProvisionedThroughputExceededException.builder().message("Rate exceeded for shard").build();
    }

    static RuntimeException limitExceeded() {
        return LimitExceededException.builder().message("Rate exceeded").build();
    }

    static RuntimeException networkError() {
        return SdkClientException.create("Unable to execute HTTP request: Connection reset",
                new java.io.IOException("Connection reset"));
    }

    static RuntimeException internalFailure() {
        return AwsServiceException.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalFailure").errorMessage("oops").build())
                .build();
    }

    static RuntimeException accessDenied() {
        return AwsServiceException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException")
                        .errorMessage("User is not authorized to perform kinesis:GetRecords").build())
                .build();
    }

    private <T> CompletableFuture<T> answer(Supplier<T> answer) {
        return CompletableFuture.supplyAsync(answer, answers);
    }

    @Override
    public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(DescribeStreamSummaryRequest request) {
        describeCalls.incrementAndGet();
        Supplier<RuntimeException> fault = next(describeFaults);
        StreamStatus status = statuses.isEmpty() ? StreamStatus.ACTIVE : statuses.remove(0);
        return describeHeld.thenCompose(released -> answer(() -> {
            if (fault != null) {
                throw fault.get();
            }
            if (streamMissing) {
                throw missingStream(request.streamName());
            }
            return DescribeStreamSummaryResponse.builder()
                    .streamDescriptionSummary(summary -> summary.streamName(request.streamName())
                            .streamStatus(status).openShardCount(shards.size())
                            .streamCreationTimestamp(streamCreatedAt))
                    .build();
        }));
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        listShardsCalls.incrementAndGet();
        Supplier<RuntimeException> fault = next(listFaults);
        return listShardsHeld.thenCompose(released -> answer(() -> {
            if (fault != null) {
                throw fault.get();
            }
            if (streamMissing) {
                throw missingStream(String.valueOf(request.streamName()));
            }
            if (request.nextToken() != null && request.streamName() != null) {
                throw InvalidArgumentException.builder().message("NextToken and StreamName cannot be provided together")
                        .build();
            }
            List<ScriptedShard> visible = order.stream().map(shards::get).filter(shard -> shard.listed).toList();
            int page = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
            List<Shard> answer = new ArrayList<>();
            if (page < visible.size()) {
                ScriptedShard shard = visible.get(page);
                answer.add(Shard.builder().shardId(shard.id).parentShardId(shard.parent)
                        .adjacentParentShardId(shard.adjacentParent)
                        .hashKeyRange(shard.hashKeyRange)
                        .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("0")
                                .endingSequenceNumber(
                                        shard.closed ? "99999999999999999999999999999999999999999999999999999999" : null)
                                .build())
                        .build());
            }
            return ListShardsResponse.builder().shards(answer)
                    .nextToken(page + 1 < visible.size() ? String.valueOf(page + 1) : null).build();
        }));
    }

    @Override
    public CompletableFuture<GetShardIteratorResponse> getShardIterator(GetShardIteratorRequest request) {
        iteratorRequests.add(request.shardId() + " " + request.shardIteratorTypeAsString()
                + (request.startingSequenceNumber() != null ? " " + request.startingSequenceNumber() : "")
                + (request.timestamp() != null ? " " + request.timestamp() : ""));
        Supplier<RuntimeException> fault = iteratorFaults.isEmpty() ? null : iteratorFaults.remove(0);
        return answer(() -> {
            if (fault != null) {
                throw fault.get();
            }
            if (streamMissing) {
                throw missingStream(request.streamName());
            }
            ScriptedShard shard = shards.get(request.shardId());
            if (shard.gone) {
                throw ResourceNotFoundException.builder().message("Shard " + shard.id + " in stream "
                        + request.streamName() + " under account 000000000000 does not exist").build();
            }
            List<Record> records = shard.records;
            int index = switch (request.shardIteratorType()) {
                case TRIM_HORIZON -> 0;
                case LATEST -> records.size();
                case AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER -> {
                    BigInteger wanted = new BigInteger(request.startingSequenceNumber());
                    int at = 0;
                    while (at < records.size() && new BigInteger(records.get(at).sequenceNumber()).compareTo(wanted) < 0) {
                        at++;
                    }
                    yield request
                            .shardIteratorType() == software.amazon.awssdk.services.kinesis.model.ShardIteratorType.AT_SEQUENCE_NUMBER
                                    ? at
                                    : at + 1;
                }
                case AT_TIMESTAMP -> {
                    int at = 0;
                    while (at < records.size() && records.get(at).approximateArrivalTimestamp().isBefore(request.timestamp())) {
                        at++;
                    }
                    yield at;
                }
                default -> throw new IllegalArgumentException(request.toString());
            };
            return GetShardIteratorResponse.builder().shardIterator(shard.id + "/" + index).build();
        });
    }

    @Override
    public CompletableFuture<GetRecordsResponse> getRecords(GetRecordsRequest request) {
        String[] iterator = request.shardIterator().split("/");
        ScriptedShard shard = shards.get(iterator[0]);
        int call = shard.calls.incrementAndGet();
        shard.callTimes.add(System.nanoTime());
        shard.limits.add(request.limit());
        Supplier<RuntimeException> fault = shard.faults.get(call);
        return answer(() -> {
            if (fault != null) {
                throw fault.get();
            }
            if (streamMissing || shard.gone) {
                throw missingStream("scripted-stream");
            }
            int from = Integer.parseInt(iterator[1]);
            int limit = request.limit() == null ? 10_000 : request.limit();
            int to = Math.min(shard.records.size(), from + Math.min(limit, pageSize));
            boolean end = shard.closed && to >= shard.records.size();
            if (end) {
                shard.children.forEach(child -> shards.get(child).reveal()); // hidden children: listed from now on
            }
            GetRecordsResponse.Builder response = GetRecordsResponse.builder()
                    .records(shard.records.subList(from, to))
                    .millisBehindLatest(to < shard.records.size() ? 1_000L : 0L)
                    .nextShardIterator(end ? null : shard.id + "/" + to);
            if (end && childShardsInAnswers) {
                response.childShards(shard.children.stream().map(child -> ChildShard.builder().shardId(child)
                        .parentShards(parentsOf(child))
                        .hashKeyRange(shards.get(child).hashKeyRange)
                        .build()).toList());
            }
            return response.build();
        });
    }

    private List<String> parentsOf(String child) {
        ScriptedShard shard = shards.get(child);
        return Arrays.asList(shard.parent, shard.adjacentParent).stream().filter(p -> p != null).toList();
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
    }
}
