package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisServiceClientConfiguration;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A {@link KinesisAsyncClient} that answers at once, on the calling thread, with canned answers: every PutRecords
 * entry succeeds, ListShards lists {@code shards} shards splitting the hash key space evenly, GetRecords returns the
 * same page of records forever (a page of its own per shard if {@linkplain #page given}, cut to the limit asked
 * for), DescribeStreamSummary says ACTIVE. It does no I/O and
 * almost no work, so a benchmark through it measures the connector's own cost.
 * <p>
 * An entry with an explicit hash key (an aggregated record) is answered with the shard owning that key, as Kinesis
 * would, so the connector never believes the stream was resharded; other entries get the first shard.
 */
public final class StubKinesisClient implements KinesisAsyncClient {

    private static final int MAX_ENTRIES = 500;
    private static final String SEQUENCE_NUMBER = "49590338271490256608559692538361571095921575989136588898";

    private final List<Shard> shards;
    private final BigInteger[] shardEnds;
    private final PutRecordsResultEntry[] entryOnShard;
    private final AtomicReferenceArray<PutRecordsResponse> plainAnswers = new AtomicReferenceArray<>(MAX_ENTRIES + 1);
    private final GetRecordsResponse page;
    private final Map<String, GetRecordsResponse> pages = new ConcurrentHashMap<>();
    /** GetRecords calls answered. */
    public final LongAdder getRecordsCalls = new LongAdder();
    /** PutRecords calls and entries answered. */
    public final LongAdder putRecordsCalls = new LongAdder();
    public final LongAdder putRecordsEntries = new LongAdder();

    /**
     * @param shards the number of open shards of every stream
     * @param pageRecords records per GetRecords page
     * @param recordBytes data bytes per record of a page
     */
    public StubKinesisClient(int shards, int pageRecords, int recordBytes) {
        this.shards = new ArrayList<>();
        this.shardEnds = new BigInteger[shards];
        this.entryOnShard = new PutRecordsResultEntry[shards];
        BigInteger space = BigInteger.ONE.shiftLeft(128);
        for (int i = 0; i < shards; i++) {
            BigInteger start = space.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(shards));
            BigInteger end = space.multiply(BigInteger.valueOf(i + 1)).divide(BigInteger.valueOf(shards))
                    .subtract(BigInteger.ONE);
            String id = String.format("shardId-%012d", i);
            shardEnds[i] = end;
            entryOnShard[i] = PutRecordsResultEntry.builder().shardId(id).sequenceNumber(SEQUENCE_NUMBER).build();
            this.shards.add(Shard.builder()
                    .shardId(id)
                    .hashKeyRange(HashKeyRange.builder().startingHashKey(start.toString())
                            .endingHashKey(end.toString()).build())
                    .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("0").build())
                    .build());
        }
        byte[] data = new byte[recordBytes];
        List<Record> records = new ArrayList<>(pageRecords);
        for (int i = 0; i < pageRecords; i++) {
            records.add(Record.builder()
                    .partitionKey("key-" + i)
                    .sequenceNumber(SEQUENCE_NUMBER + i)
                    .data(SdkBytes.fromByteArrayUnsafe(data))
                    .build());
        }
        this.page = GetRecordsResponse.builder().records(records).nextShardIterator("common")
                .millisBehindLatest(0L).build();
    }

    @Override
    public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
        List<PutRecordsRequestEntry> entries = request.records();
        putRecordsCalls.increment();
        putRecordsEntries.add(entries.size());
        boolean routed = false;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).explicitHashKey() != null) {
                routed = true;
                break;
            }
        }
        if (!routed) {
            return CompletableFuture.completedFuture(plainAnswer(entries.size()));
        }
        List<PutRecordsResultEntry> results = new ArrayList<>(entries.size());
        for (PutRecordsRequestEntry entry : entries) {
            results.add(entryOnShard[entry.explicitHashKey() == null ? 0 : shardOf(entry.explicitHashKey())]);
        }
        return CompletableFuture.completedFuture(
                PutRecordsResponse.builder().failedRecordCount(0).records(results).build());
    }

    private PutRecordsResponse plainAnswer(int size) {
        PutRecordsResponse answer = plainAnswers.get(size);
        if (answer == null) {
            List<PutRecordsResultEntry> results = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                results.add(entryOnShard[0]);
            }
            answer = PutRecordsResponse.builder().failedRecordCount(0).records(results).build();
            plainAnswers.set(size, answer);
        }
        return answer;
    }

    private int shardOf(String explicitHashKey) {
        BigInteger key = new BigInteger(explicitHashKey);
        for (int i = 0; i < shardEnds.length; i++) {
            if (key.compareTo(shardEnds[i]) <= 0) {
                return i;
            }
        }
        return shardEnds.length - 1;
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        return CompletableFuture.completedFuture(ListShardsResponse.builder().shards(shards).build());
    }

    /** The iterator of a shard is its id: GetRecords then answers with that shard's page. */
    @Override
    public CompletableFuture<GetShardIteratorResponse> getShardIterator(GetShardIteratorRequest request) {
        return CompletableFuture.completedFuture(
                GetShardIteratorResponse.builder().shardIterator(request.shardId()).build());
    }

    /**
     * The shard's page (or the common one), cut to the limit asked for; the next iterator is the same, so the page
     * comes again and again.
     */
    @Override
    public CompletableFuture<GetRecordsResponse> getRecords(GetRecordsRequest request) {
        getRecordsCalls.increment();
        GetRecordsResponse answer = pages.getOrDefault(request.shardIterator(), page);
        Integer limit = request.limit();
        if (limit != null && limit < answer.records().size()) {
            answer = answer.toBuilder().records(answer.records().subList(0, limit)).build();
        }
        return CompletableFuture.completedFuture(answer);
    }

    /**
     * Gives a shard a page of its own, e.g. of aggregated records whose user records belong to it. Call before the
     * channel starts.
     */
    public void page(String shardId, List<Record> records) {
        pages.put(shardId, GetRecordsResponse.builder().records(records).nextShardIterator(shardId)
                .millisBehindLatest(0L).build());
    }

    /** The open shards, as ListShards lists them. */
    public List<Shard> shards() {
        return shards;
    }

    @Override
    public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(
            DescribeStreamSummaryRequest request) {
        return CompletableFuture.completedFuture(DescribeStreamSummaryResponse.builder()
                .streamDescriptionSummary(summary -> summary.streamName(request.streamName())
                        .streamStatus(StreamStatus.ACTIVE).openShardCount(shards.size()))
                .build());
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
    }
}
