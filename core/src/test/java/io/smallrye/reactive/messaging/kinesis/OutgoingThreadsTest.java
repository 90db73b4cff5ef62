package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The threads of the outgoing side in a SmallRye application: each outgoing channel sends and acks on a Vert.x
 * context of its own, even when the client answers on a thread of its own, and the connector starts no scheduler
 * thread (there used to be one, "smallrye-kinesis-scheduler", shared by every channel).
 */
class OutgoingThreadsTest extends WeldTestBase {

    @Test
    void eachChannelSendsAndAcksOnItsOwnContextAndNoSchedulerThreadIsStarted() {
        addBeans(ForeignThreadClient.class);
        Senders app = runApplication(new MapBasedConfig()
                .with("mp.messaging.outgoing.a-out.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.outgoing.a-out.client-bean", "foreign")
                .with("mp.messaging.outgoing.a-out.buffer-time", "20ms")
                .with("mp.messaging.outgoing.b-out.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.outgoing.b-out.client-bean", "foreign")
                .with("mp.messaging.outgoing.b-out.buffer-time", "20ms"), Senders.class);

        List<CompletableFuture<Context>> acksOfA = new ArrayList<>();
        List<CompletableFuture<Context>> acksOfB = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            acksOfA.add(app.send("a-out", "a-" + i));
            acksOfB.add(app.send("b-out", "b-" + i));
        }
        List<Context> contextsOfA = acksOfA.stream().map(CompletableFuture::join).toList();
        List<Context> contextsOfB = acksOfB.stream().map(CompletableFuture::join).toList();

        // the answers came from the client's own thread; sends and acks happened on one context per channel
        assertThat(ForeignThreadClient.answerThreads).isNotEmpty().allMatch(name -> name.equals("foreign-answers"));
        assertThat(contextsOfA).doesNotContainNull().allMatch(context -> context == contextsOfA.get(0));
        assertThat(contextsOfB).doesNotContainNull().allMatch(context -> context == contextsOfB.get(0));
        assertThat(contextsOfA.get(0)).isNotSameAs(contextsOfB.get(0));
        assertThat(contextsOfA.get(0).isEventLoopContext()).isTrue();
        assertThat(ForeignThreadClient.callerContexts).doesNotContainNull()
                .allMatch(context -> context == contextsOfA.get(0) || context == contextsOfB.get(0))
                .contains(contextsOfA.get(0), contextsOfB.get(0));
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(name -> name.contains("kinesis-scheduler"));
    }

    @ApplicationScoped
    public static class Senders {
        @Inject
        @Channel("a-out")
        Emitter<byte[]> a;

        @Inject
        @Channel("b-out")
        Emitter<byte[]> b;

        /** Sends the payload to that channel; completed with the Vert.x context its ack ran on (null: none). */
        CompletableFuture<Context> send(String channel, String payload) {
            Emitter<byte[]> emitter = channel.equals("a-out") ? a : b;
            CompletableFuture<Context> acked = new CompletableFuture<>();
            emitter.send(Message.of(payload.getBytes(StandardCharsets.UTF_8))
                    .withAck(() -> {
                        acked.complete(Vertx.currentContext());
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        acked.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
            return acked;
        }
    }

    /**
     * A client that stores every record and answers on a thread of its own ("foreign-answers"), recording the Vert.x
     * context each request was sent from.
     */
    @ApplicationScoped
    public static class ForeignThreadClient {
        static final List<Context> callerContexts = new CopyOnWriteArrayList<>();
        static final List<String> answerThreads = new CopyOnWriteArrayList<>();

        @Produces
        @Identifier("foreign")
        KinesisAsyncClient client() {
            callerContexts.clear();
            answerThreads.clear();
            ExecutorService answers = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "foreign-answers");
                thread.setDaemon(true);
                return thread;
            });
            return new KinesisAsyncClient() {
                @Override
                public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
                    callerContexts.add(Vertx.currentContext());
                    return CompletableFuture.supplyAsync(() -> {
                        answerThreads.add(Thread.currentThread().getName());
                        List<PutRecordsResultEntry> entries = new ArrayList<>();
                        for (int i = 0; i < request.records().size(); i++) {
                            entries.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000")
                                    .sequenceNumber(String.valueOf(i)).build());
                        }
                        return PutRecordsResponse.builder().records(entries).failedRecordCount(0).build();
                    }, answers);
                }

                @Override
                public String serviceName() {
                    return "kinesis";
                }

                @Override
                public void close() {
                    answers.shutdownNow();
                }
            };
        }
    }
}
