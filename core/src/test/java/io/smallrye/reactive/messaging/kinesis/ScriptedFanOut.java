package io.smallrye.reactive.messaging.kinesis;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.DeregisterStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.DeregisterStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerRequest;
import software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * {@link ScriptedKinesis} with enhanced fan-out: stream consumers (registered CREATING, ACTIVE at the next describe)
 * and SubscribeToShard subscriptions that speak the SDK's event-stream handler and publisher. A subscription serves
 * the scripted shard's records from its starting position, {@link #eventSize} records per event, one event per
 * {@code request(1)} and never more than requested; it completes normally after {@link #eventsPerSubscription} events
 * (as Kinesis does after 5 minutes), and a closed shard's last event has no continuation sequence number and names the
 * children. Scripted failures replace the next subscriptions of a shard (a refusal can be held until the test releases
 * it, and so can DescribeStreamConsumer answers, to script the order of a race); every subscription is recorded.
 */
public class ScriptedFanOut extends ScriptedKinesis {

    public static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/scripted-stream";

    /** A SubscribeToShard call: shard, starting position, and what it sent. */
    public record Subscribed(String shardId, String type, String sequenceNumber) {
    }

    /** Serves every stream, one task at a time; a daemon thread, so that a test needs not close the fake. */
    private final ScheduledExecutorService pump = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "scripted-fan-out");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, List<Supplier<? extends Throwable>>> subscribeFaults = new ConcurrentHashMap<>();
    private final Map<String, ConsumerDescription> consumers = new ConcurrentHashMap<>();
    private final List<Subscribed> subscriptions = new CopyOnWriteArrayList<>();
    private final List<String> subscribedArns = new CopyOnWriteArrayList<>();
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final List<Supplier<RuntimeException>> registerFaults = new CopyOnWriteArrayList<>();
    private final AtomicInteger registerCalls = new AtomicInteger();
    private final AtomicLong recordsSent = new AtomicLong();
    private final AtomicLong eventsRequested = new AtomicLong();
    private final AtomicLong eventsSent = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, Supplier<? extends Throwable>> lateRefusals = new ConcurrentHashMap<>();
    private final Map<String, Runnable> heldRefusals = new ConcurrentHashMap<>();
    /** Completed while DescribeStreamConsumer answers at once; else the answers wait for it ({@link #holdDescribes}). */
    private volatile CompletableFuture<Void> describeGate = CompletableFuture.completedFuture(null);
    private final AtomicInteger heldDescribes = new AtomicInteger();
    volatile int eventSize = 5;
    volatile int eventsPerSubscription = Integer.MAX_VALUE;

    /**
     * The next {@code count} subscriptions to the shard fail with the exception; one that is not the SDK's (the HTTP
     * layer's, as a plain Throwable) reaches the handler as it is and the call's future wrapped, as the SDK does.
     */
    public void failSubscriptions(String shardId, int count, Supplier<? extends Throwable> failure) {
        for (int i = 0; i < count; i++) {
            subscribeFaults.computeIfAbsent(shardId, id -> new CopyOnWriteArrayList<>()).add(failure);
        }
    }

    /**
     * The next subscription to the shard is refused with the exception (before any scripted by
     * {@link #failSubscriptions}), but the refusal reaches the channel only when {@link #releaseRefusal released}: a
     * refusal Kinesis gave at the time of the call that arrives late.
     */
    public void refuseNextSubscriptionLate(String shardId, Supplier<? extends Throwable> refusal) {
        lateRefusals.put(shardId, refusal);
    }

    /** Whether the late refusal of the shard was given (its subscription called) and not released yet. */
    public boolean refusalHeld(String shardId) {
        return heldRefusals.containsKey(shardId);
    }

    public void releaseRefusal(String shardId) {
        pump.execute(heldRefusals.remove(shardId));
    }

    /** DescribeStreamConsumer answers wait (each as things are when released) until {@link #releaseDescribes}. */
    public void holdDescribes() {
        describeGate = new CompletableFuture<>();
    }

    /** DescribeStreamConsumer calls made while held (released or not). */
    public int heldDescribes() {
        return heldDescribes.get();
    }

    public void releaseDescribes() {
        describeGate.complete(null);
    }

    public void failRegistrations(int count, Supplier<RuntimeException> failure) {
        for (int i = 0; i < count; i++) {
            registerFaults.add(failure);
        }
    }

    public List<Subscribed> subscriptions() {
        return List.copyOf(subscriptions);
    }

    public int registerCalls() {
        return registerCalls.get();
    }

    public long recordsSent() {
        return recordsSent.get();
    }

    public long eventsRequested() {
        return eventsRequested.get();
    }

    public long eventsSent() {
        return eventsSent.get();
    }

    /** Subscriptions open now (not completed, failed or cancelled). */
    public int openSubscriptions() {
        return open.get();
    }

    /** The consumer ARN of each SubscribeToShard call, in order. */
    public List<String> subscribedArns() {
        return List.copyOf(subscribedArns);
    }

    /** Registers a consumer, ACTIVE at once (as with consumer-arn); returns its ARN. */
    public String registerConsumer(String name) {
        String arn = STREAM_ARN + "/consumer/" + name + ":" + registerCalls.incrementAndGet();
        consumers.put(name, ConsumerDescription.builder().consumerName(name).consumerARN(arn)
                .consumerStatus(ConsumerStatus.ACTIVE).streamARN(STREAM_ARN).build());
        return arn;
    }

    /** Deletes the consumer: its open subscriptions fail with ResourceNotFoundException, as later ones do. */
    public void deleteConsumer(String name) {
        ConsumerDescription removed = consumers.remove(name);
        if (removed != null) {
            failStreams(removed.consumerARN(), () -> consumerNotFound(removed.consumerARN()));
        }
    }

    /** Makes a deleted consumer exist again under its old ARN (as a consumer-arn may come back). */
    public void restoreConsumer(String name, String arn) {
        consumers.put(name, ConsumerDescription.builder().consumerName(name).consumerARN(arn)
                .consumerStatus(ConsumerStatus.ACTIVE).streamARN(STREAM_ARN).build());
    }

    /** Deletes the stream and its consumers (as Kinesis does); every call answers not found until it is back. */
    public void deleteStream() {
        streamMissing = true;
        consumers.clear();
        failStreams(null, ScriptedKinesis::resourceNotFound);
    }

    private void failStreams(String consumerArn, Supplier<RuntimeException> failure) {
        for (Stream stream : streams) {
            if (consumerArn == null || stream.consumerArn.equals(consumerArn)) {
                pump.execute(() -> stream.fail(failure.get()));
            }
        }
    }

    static RuntimeException consumerNotFound(String arn) {
        return ResourceNotFoundException.builder().message("Consumer " + arn + " not found.").build();
    }

    /** SubscribeToShard's refusal when the consumer is fine but the shard is not (expired, or the stream recreated). */
    static RuntimeException shardNotFound(String shardId) {
        return ResourceNotFoundException.builder()
                .message("Shard " + shardId + " in stream scripted-stream under account 000000000000 does not exist")
                .build();
    }

    public boolean registered(String consumerName) {
        return consumers.containsKey(consumerName);
    }

    static RuntimeException resourceInUse() {
        return ResourceInUseException.builder().message("Another active subscription exists for this consumer: "
                + STREAM_ARN + "/consumer/app:1 on shard shardId-000000000000").build();
    }

    static RuntimeException subscribeDenied() {
        return AwsServiceException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException")
                        .errorMessage("User is not authorized to perform kinesis:SubscribeToShard").build())
                .build();
    }

    static RuntimeException registerDenied() {
        return AwsServiceException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException")
                        .errorMessage("User is not authorized to perform kinesis:RegisterStreamConsumer").build())
                .build();
    }

    @Override
    public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(DescribeStreamSummaryRequest request) {
        return super.describeStreamSummary(request).thenApply(response -> response.toBuilder()
                .streamDescriptionSummary(response.streamDescriptionSummary().toBuilder().streamARN(STREAM_ARN).build())
                .build());
    }

    @Override
    public CompletableFuture<DescribeStreamConsumerResponse> describeStreamConsumer(DescribeStreamConsumerRequest request) {
        CompletableFuture<Void> gate = describeGate;
        if (!gate.isDone()) {
            heldDescribes.incrementAndGet();
            return gate.thenCompose(released -> describeNow(request));
        }
        return describeNow(request);
    }

    private CompletableFuture<DescribeStreamConsumerResponse> describeNow(DescribeStreamConsumerRequest request) {
        return CompletableFuture.supplyAsync(() -> {
            if (streamMissing) {
                throw resourceNotFound();
            }
            String name = request.consumerName() != null ? request.consumerName()
                    : consumers.values().stream().filter(c -> c.consumerARN().equals(request.consumerARN()))
                            .map(ConsumerDescription::consumerName).findFirst().orElse("(none)");
            ConsumerDescription description = consumers.computeIfPresent(name,
                    (ignored, current) -> current.toBuilder().consumerStatus(ConsumerStatus.ACTIVE).build());
            if (description == null) {
                throw consumerNotFound(request.consumerARN() != null ? request.consumerARN() : name);
            }
            return DescribeStreamConsumerResponse.builder().consumerDescription(description).build();
        }, pump);
    }

    @Override
    public CompletableFuture<RegisterStreamConsumerResponse> registerStreamConsumer(
            RegisterStreamConsumerRequest request) {
        int call = registerCalls.incrementAndGet();
        Supplier<RuntimeException> fault = registerFaults.isEmpty() ? null : registerFaults.remove(0);
        return CompletableFuture.supplyAsync(() -> {
            if (fault != null) {
                throw fault.get();
            }
            if (streamMissing) {
                throw resourceNotFound();
            }
            String arn = request.streamARN() + "/consumer/" + request.consumerName() + ":" + call;
            consumers.put(request.consumerName(), ConsumerDescription.builder().consumerName(request.consumerName())
                    .consumerARN(arn).consumerStatus(ConsumerStatus.CREATING).streamARN(request.streamARN()).build());
            return RegisterStreamConsumerResponse.builder().consumer(Consumer.builder()
                    .consumerName(request.consumerName()).consumerARN(arn).consumerStatus(ConsumerStatus.CREATING)
                    .build()).build();
        }, pump);
    }

    @Override
    public CompletableFuture<DeregisterStreamConsumerResponse> deregisterStreamConsumer(
            DeregisterStreamConsumerRequest request) {
        return CompletableFuture.supplyAsync(() -> {
            consumers.values().removeIf(consumer -> consumer.consumerARN().equals(request.consumerARN()));
            return DeregisterStreamConsumerResponse.builder().build();
        }, pump);
    }

    @Override
    public CompletableFuture<Void> subscribeToShard(SubscribeToShardRequest request,
            SubscribeToShardResponseHandler handler) {
        StartingPosition position = request.startingPosition();
        subscriptions.add(new Subscribed(request.shardId(), position.typeAsString(), position.sequenceNumber()));
        subscribedArns.add(request.consumerARN());
        List<Supplier<? extends Throwable>> faults = subscribeFaults.getOrDefault(request.shardId(), List.of());
        Supplier<? extends Throwable> scripted = faults.isEmpty() ? null : faults.remove(0);
        CompletableFuture<Void> done = new CompletableFuture<>();
        Supplier<? extends Throwable> late = lateRefusals.remove(request.shardId());
        if (late != null) {
            heldRefusals.put(request.shardId(), () -> refuse(late.get(), handler, done));
            return done;
        }
        pump.execute(() -> {
            Supplier<? extends Throwable> fault = scripted;
            boolean consumerExists = consumers.values().stream()
                    .anyMatch(consumer -> consumer.consumerARN().equals(request.consumerARN()));
            if (fault == null && streamMissing) {
                fault = ScriptedKinesis::resourceNotFound;
            } else if (fault == null && !consumerExists) {
                fault = () -> consumerNotFound(request.consumerARN());
            }
            if (fault != null) {
                refuse(fault.get(), handler, done);
                return;
            }
            handler.responseReceived(SubscribeToShardResponse.builder().build());
            open.incrementAndGet();
            new Stream(request.consumerARN(), shard(request.shardId()), startIndex(shard(request.shardId()), position),
                    handler, done).start();
        });
        return done;
    }

    private static void refuse(Throwable failure, SubscribeToShardResponseHandler handler, CompletableFuture<Void> done) {
        handler.exceptionOccurred(failure);
        done.completeExceptionally(failure instanceof SdkException ? failure
                : SdkClientException.create("Unable to execute HTTP request: " + failure.getMessage(), failure));
    }

    private static int startIndex(ScriptedShard shard, StartingPosition position) {
        List<Record> records = shard.records;
        switch (position.type()) {
            case TRIM_HORIZON:
                return 0;
            case LATEST:
                return records.size();
            case AT_SEQUENCE_NUMBER:
            case AFTER_SEQUENCE_NUMBER:
                BigInteger at = new BigInteger(position.sequenceNumber());
                boolean after = position
                        .type() == software.amazon.awssdk.services.kinesis.model.ShardIteratorType.AFTER_SEQUENCE_NUMBER;
                for (int i = 0; i < records.size(); i++) {
                    int compared = new BigInteger(records.get(i).sequenceNumber()).compareTo(at);
                    if (after ? compared > 0 : compared >= 0) {
                        return i;
                    }
                }
                return records.size();
            default:
                throw new IllegalArgumentException("not scripted: " + position);
        }
    }

    /** One subscription's event stream: served on {@link #pump}, one event per request. */
    private final class Stream implements Subscription {
        private final String consumerArn;
        private final ScriptedShard shard;
        private final SubscribeToShardResponseHandler handler;
        private final CompletableFuture<Void> done;
        private Subscriber<? super SubscribeToShardEventStream> subscriber;
        private int next;
        private long demand;
        private int sent;
        private boolean ended;
        private boolean scheduled;

        Stream(String consumerArn, ScriptedShard shard, int next, SubscribeToShardResponseHandler handler,
                CompletableFuture<Void> done) {
            this.consumerArn = consumerArn;
            this.shard = shard;
            this.next = next;
            this.handler = handler;
            this.done = done;
        }

        /** Kinesis ends the subscription with an error (consumer or stream deleted). */
        void fail(RuntimeException failure) {
            if (ended) {
                return;
            }
            if (subscriber != null) {
                subscriber.onError(failure);
            }
            handler.exceptionOccurred(failure);
            done.completeExceptionally(failure);
            end();
        }

        void start() {
            streams.add(this);
            SdkPublisher<SubscribeToShardEventStream> publisher = subscriber -> pump.execute(() -> {
                this.subscriber = subscriber;
                subscriber.onSubscribe(this);
            });
            handler.onEventStream(publisher);
        }

        @Override
        public void request(long n) {
            eventsRequested.addAndGet(n);
            pump.execute(() -> {
                demand += n;
                schedule();
            });
        }

        @Override
        public void cancel() {
            pump.execute(this::end);
        }

        private void schedule() {
            if (!scheduled && !ended && demand > 0) {
                scheduled = true;
                // records at once; an empty event (caught up) only every 50 ms
                pump.schedule(this::emit, next < shard.records.size() ? 1 : 50, TimeUnit.MILLISECONDS);
            }
        }

        private void emit() {
            scheduled = false;
            if (ended || demand == 0) {
                return;
            }
            List<Record> records = shard.records;
            int end = Math.min(records.size(), next + eventSize);
            List<Record> page = new ArrayList<>(records.subList(next, end));
            next = end;
            boolean last = shard.closed && next == records.size();
            String continuation = last ? null
                    : next > 0 ? records.get(next - 1).sequenceNumber() : "0";
            SubscribeToShardEvent.Builder event = SubscribeToShardEvent.builder().records(page)
                    .millisBehindLatest((long) (records.size() - next)).continuationSequenceNumber(continuation);
            if (last) {
                event.childShards(shard.children.stream().map(child -> ChildShard.builder().shardId(child)
                        .parentShards(shard.id).hashKeyRange(shard.hashKeyRange).build()).toList());
            }
            demand--;
            sent++;
            eventsSent.incrementAndGet();
            recordsSent.addAndGet(page.size());
            subscriber.onNext(event.build());
            if (last || sent >= eventsPerSubscription) {
                subscriber.onComplete();
                handler.complete();
                end();
                done.complete(null);
                return;
            }
            schedule();
        }

        private void end() {
            if (!ended) {
                ended = true;
                streams.remove(this);
                open.decrementAndGet();
                done.complete(null);
            }
        }
    }
}
