package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisServiceClientConfiguration;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * An in-process {@link KinesisAsyncClient} for enhanced fan-out, no network: ListShards lists {@code shards} shards,
 * the stream and its consumer are ACTIVE, and SubscribeToShard opens a subscription that speaks the SDK's event-stream
 * handler and publisher. {@link #put} hands a record to its shard's subscription: if the subscriber has an event
 * requested, the event carrying it is pushed at once, on the putting thread (as the SDK's event loop would); otherwise
 * it waits for the next {@code request}, which pushes every waiting record in one event. So the time from a put to
 * the application is the connector's own (its hop onto the channel context, the message, SmallRye's mediator) plus any
 * wait for its demand. Subscriptions never end on their own.
 */
final class PushKinesisClient implements KinesisAsyncClient {

    static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/push";
    private static final BigInteger FIRST_SEQUENCE = new BigInteger("49590338271490256608559692538361571095921575989136588898");

    private final List<Shard> shards = new ArrayList<>();
    private final Map<String, ShardStream> streams = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    PushKinesisClient(int shardCount) {
        BigInteger space = BigInteger.ONE.shiftLeft(128);
        for (int i = 0; i < shardCount; i++) {
            BigInteger start = space.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(shardCount));
            BigInteger end = space.multiply(BigInteger.valueOf(i + 1)).divide(BigInteger.valueOf(shardCount))
                    .subtract(BigInteger.ONE);
            shards.add(Shard.builder().shardId(String.format("shardId-%012d", i))
                    .hashKeyRange(HashKeyRange.builder().startingHashKey(start.toString()).endingHashKey(end.toString())
                            .build())
                    .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("0").build()).build());
        }
    }

    /** Whether every shard has a subscription whose subscriber asked for events. */
    boolean allSubscribed() {
        return streams.size() == shards.size();
    }

    /** A record put to shard {@code index}: pushed at once if an event is requested, else with the next request. */
    void put(int index, byte[] data) {
        ShardStream stream = streams.get(shards.get(index % shards.size()).shardId());
        if (stream != null) {
            stream.put(Record.builder().partitionKey("k").data(SdkBytes.fromByteArrayUnsafe(data))
                    .sequenceNumber(FIRST_SEQUENCE.add(BigInteger.valueOf(sequence.incrementAndGet())).toString())
                    .build());
        }
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        return CompletableFuture.completedFuture(ListShardsResponse.builder().shards(shards).build());
    }

    @Override
    public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(DescribeStreamSummaryRequest request) {
        return CompletableFuture.completedFuture(DescribeStreamSummaryResponse.builder()
                .streamDescriptionSummary(summary -> summary.streamName(request.streamName()).streamARN(STREAM_ARN)
                        .streamStatus(StreamStatus.ACTIVE).openShardCount(shards.size()))
                .build());
    }

    @Override
    public CompletableFuture<DescribeStreamConsumerResponse> describeStreamConsumer(DescribeStreamConsumerRequest request) {
        return CompletableFuture.completedFuture(DescribeStreamConsumerResponse.builder()
                .consumerDescription(ConsumerDescription.builder().consumerName(request.consumerName())
                        .consumerARN(STREAM_ARN + "/consumer/" + request.consumerName() + ":1")
                        .consumerStatus(ConsumerStatus.ACTIVE).streamARN(STREAM_ARN).build())
                .build());
    }

    @Override
    public CompletableFuture<Void> subscribeToShard(SubscribeToShardRequest request,
            SubscribeToShardResponseHandler handler) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        handler.responseReceived(SubscribeToShardResponse.builder().build());
        ShardStream stream = new ShardStream(request.shardId(), done);
        SdkPublisher<SubscribeToShardEventStream> publisher = subscriber -> stream.subscribe(subscriber);
        handler.onEventStream(publisher);
        return done;
    }

    /** One subscription: records wait here while no event is requested. Called from several threads. */
    private final class ShardStream implements Subscription {
        private final String shardId;
        private final CompletableFuture<Void> done;
        private final ArrayDeque<Record> waiting = new ArrayDeque<>();
        private Subscriber<? super SubscribeToShardEventStream> subscriber;
        private long demand;

        ShardStream(String shardId, CompletableFuture<Void> done) {
            this.shardId = shardId;
            this.done = done;
        }

        void subscribe(Subscriber<? super SubscribeToShardEventStream> subscriber) {
            synchronized (this) {
                this.subscriber = subscriber;
            }
            streams.put(shardId, this);
            subscriber.onSubscribe(this);
        }

        synchronized void put(Record record) {
            waiting.add(record);
            pushIfRequested();
        }

        @Override
        public synchronized void request(long n) {
            demand += n;
            pushIfRequested();
        }

        private void pushIfRequested() {
            if (demand > 0 && !waiting.isEmpty()) {
                List<Record> records = new ArrayList<>(waiting);
                waiting.clear();
                demand--;
                subscriber.onNext(SubscribeToShardEvent.builder().records(records).millisBehindLatest(0L)
                        .continuationSequenceNumber(records.get(records.size() - 1).sequenceNumber()).build());
            }
        }

        @Override
        public void cancel() {
            streams.remove(shardId, this);
            done.complete(null);
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
    }
}
