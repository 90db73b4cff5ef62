package io.smallrye.reactive.messaging.kinesis.outgoing;

import static io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.THROUGHPUT_EXCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.Tracked;
import io.smallrye.reactive.messaging.providers.locals.LocalContextMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The outgoing channel's one concurrency model: its state is touched on its own Vert.x context only. The fake client
 * answers on threads of its own; every point where the channel acts on its state (a request sent after the waiting
 * records were batched, a shard listing, an answer reported, a message acked or nacked after the answer was settled)
 * is observed on one event-loop context per channel, timers included.
 */
class KinesisOutboundChannelContextTest {

    private ChannelHarness harness;

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void requestsAnswersAndAcksAreOnTheChannelContextWhileTheClientAnswersOnItsOwnThreads() {
        FakeKinesisClient fake = new FakeKinesisClient(3);
        // every second record is refused once: its retry leaves from a backoff timer
        fake.entries((data, attempt) -> attempt == 1 && Integer.parseInt(data.substring(1)) % 2 == 1
                ? THROUGHPUT_EXCEEDED
                : null);
        harness = ChannelHarness.create(fake, "max-batch-records=10", "buffer-time=50ms", "retry-backoff=20ms",
                "max-retry-backoff=40ms");
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            messages.add(harness.message("m" + i));
        }
        harness.send(messages);
        harness.awaitAllDone();
        harness.assertAllAckedOnce(messages);

        List<Context> contexts = new ArrayList<>();
        fake.calls().forEach(call -> contexts.add(call.callerContext));
        messages.forEach(message -> contexts.add(message.completionContext));
        contexts.addAll(harness.metrics.answerContexts);
        Context channelContext = fake.calls().get(0).callerContext;
        assertThat(channelContext).isNotNull();
        assertThat(channelContext.isEventLoopContext()).isTrue();
        assertThat(contexts).allMatch(context -> context == channelContext, "the channel's context");
        assertThat(fake.calls()).allMatch(call -> call.answerThread.startsWith("fake-kinesis-"));
        // the retries left from backoff timers, the last 5 records from the buffer-time timer: on the context too
        assertThat(fake.timesSent("m1")).isEqualTo(2);
        assertThat(fake.timesSent("m44")).isEqualTo(1);
    }

    @Test
    void aMessageCreatedOnAVertxContextIsAckedOrNackedOnThatContextWithItsResultSet() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.entries((data, attempt) -> data.equals("refused") ? "AccessDeniedException" : null);
        harness = ChannelHarness.create(fake, "buffer-time=20ms");
        Context sendersContext = harness.vertx.getOrCreateContext();
        Tracked stored = harness.messageWithResult("stored", new LocalContextMetadata(sendersContext));
        Tracked refused = harness.messageWithResult("refused", new LocalContextMetadata(sendersContext));
        Tracked plain = harness.messageWithResult("plain");
        harness.send(stored, refused, plain);
        harness.awaitAllDone();

        stored.assertAckedOnce();
        refused.assertNackedOnce();
        plain.assertAckedOnce();
        assertThat(stored.completionContext).isSameAs(sendersContext);
        assertThat(refused.completionContext).isSameAs(sendersContext);
        Context channelContext = fake.calls().get(0).callerContext;
        assertThat(plain.completionContext).isSameAs(channelContext).isNotSameAs(sendersContext);
        assertThat(stored.result.getResult().sequenceNumber()).isNotNull();
        assertThat(plain.result.getResult().sequenceNumber()).isNotNull();
        assertThat(refused.result.getResult()).isNull();
    }

    @Test
    void shardListingsOfAnAggregatingChannelAreOnItsContext() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.shards(FakeKinesisClient.evenShards(4, 0));
        harness = ChannelHarness.create(fake, "aggregation=true", "buffer-time=20ms");
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            messages.add(harness.keyed("m" + i, "k" + i % 7));
        }
        harness.send(messages);
        harness.awaitAllDone();
        harness.assertAllAckedOnce(messages);

        Context channelContext = fake.calls().get(0).callerContext;
        assertThat(channelContext).isNotNull();
        assertThat(fake.listShardsCallerContexts).isNotEmpty().allMatch(context -> context == channelContext);
        assertThat(messages).allMatch(message -> message.completionContext == channelContext);
    }

    @Test
    void aRecordLeavesAtBufferTimeWithNoFurtherMessageFromTheChannelTimer() {
        harness = ChannelHarness.create("buffer-time=300ms", "max-batch-records=500");
        Tracked only = harness.message("only");
        long sentAt = System.nanoTime();
        harness.send(only);

        harness.awaitAllDone();
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);

        only.assertAckedOnce();
        assertThat(harness.fake.callCount()).isEqualTo(1);
        // not sent at arrival: the timer of buffer-time sent it, on the channel's context
        assertThat(waitedMillis).isGreaterThanOrEqualTo(250);
        assertThat(harness.fake.calls().get(0).callerContext).isNotNull().isSameAs(only.completionContext);
    }

    @Test
    void twoChannelsOnOneVertxHaveIndependentContexts() throws Exception {
        Vertx vertx = Vertx.vertx();
        FakeKinesisClient fake = new FakeKinesisClient();
        try {
            KinesisOutboundChannel first = channel("first", fake, vertx);
            KinesisOutboundChannel second = channel("second", fake, vertx);
            CompletableFuture<Context> firstAcked = sendOne(first, "one");
            CompletableFuture<Context> secondAcked = sendOne(second, "two");
            Context firstContext = firstAcked.get(10, TimeUnit.SECONDS);
            Context secondContext = secondAcked.get(10, TimeUnit.SECONDS);

            assertThat(firstContext).isNotNull().isNotSameAs(secondContext);
            assertThat(secondContext).isNotNull();
            assertThat(fake.calls()).hasSize(2)
                    .anyMatch(call -> call.callerContext == firstContext && call.data().equals(List.of("one")))
                    .anyMatch(call -> call.callerContext == secondContext && call.data().equals(List.of("two")));
            first.close();
            second.close();
        } finally {
            fake.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void messagesHandedOverFromManyThreadsAtOnceAreEachSentOnceAndAcked() throws Exception {
        harness = ChannelHarness.create("buffer-time=10ms", "max-batch-records=7", "ordering=none");
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            messages.add(harness.message("m" + i));
        }
        // four threads call onNext at once (more than Reactive Streams allows: the hand-over to the context must not
        // lose or duplicate anything even then)
        harness.subscribe(subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        }));
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            List<Tracked> share = messages.subList(t * 100, (t + 1) * 100);
            Thread thread = new Thread(() -> share.forEach(message -> harness.channel.onNext(message.message)));
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(10_000);
        }

        harness.awaitAllDone();
        harness.assertAllAckedOnce(messages);
        assertThat(harness.fake.allSentData()).hasSize(400).doesNotHaveDuplicates();
    }

    /** A client that answers at once, on the calling thread (the channel's context), as the benchmarks' stub does. */
    @Test
    void aClientAnsweringAtOnceOnTheContextGetsEveryRecordSentOnceAndAcked() throws Exception {
        Vertx vertx = Vertx.vertx();
        List<Context> callers = new CopyOnWriteArrayList<>();
        List<String> sent = new CopyOnWriteArrayList<>();
        KinesisAsyncClient atOnce = new KinesisAsyncClient() {
            @Override
            public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
                callers.add(Vertx.currentContext());
                List<PutRecordsResultEntry> results = new ArrayList<>();
                request.records().forEach(entry -> {
                    sent.add(entry.data().asUtf8String());
                    results.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000")
                            .sequenceNumber(String.valueOf(sent.size())).build());
                });
                return CompletableFuture.completedFuture(PutRecordsResponse.builder().records(results).build());
            }

            @Override
            public String serviceName() {
                return "kinesis";
            }

            @Override
            public void close() {
            }
        };
        try {
            OutgoingSettings settings = OutgoingSettings.from(ChannelHarness.configuration("at-once",
                    Map.of("stream", ChannelHarness.STREAM, "max-batch-records", "10", "buffer-time", "10ms")));
            KinesisOutboundChannel channel = new KinesisOutboundChannel(settings, atOnce, vertx);
            UnicastProcessor<Message<?>> source = UnicastProcessor.create();
            source.subscribe(channel);
            AtomicInteger acked = new AtomicInteger();
            for (int i = 0; i < 2000; i++) {
                source.onNext(Message.of("m" + i, () -> {
                    acked.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                }));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> acked.get() == 2000);
            channel.close();

            assertThat(sent).hasSize(2000).doesNotHaveDuplicates();
            assertThat(callers).doesNotContainNull().allMatch(context -> context == callers.get(0));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static KinesisOutboundChannel channel(String name, FakeKinesisClient fake, Vertx vertx) {
        OutgoingSettings settings = OutgoingSettings.from(ChannelHarness.configuration(name,
                Map.of("stream", ChannelHarness.STREAM, "buffer-time", "10ms")));
        return new KinesisOutboundChannel(settings, fake, vertx);
    }

    private static CompletableFuture<Context> sendOne(KinesisOutboundChannel channel, String payload) {
        CompletableFuture<Context> acked = new CompletableFuture<>();
        UnicastProcessor<Message<?>> source = UnicastProcessor.create();
        source.subscribe(channel);
        source.onNext(Message.of(payload, () -> {
            acked.complete(Vertx.currentContext());
            return CompletableFuture.completedFuture(null);
        }));
        await().atMost(Duration.ofSeconds(10)).until(acked::isDone);
        return acked;
    }
}
