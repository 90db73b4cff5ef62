package io.smallrye.reactive.messaging.kinesis.incoming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.providers.locals.LocalContextMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Acks complete records on the channel's context, wherever they are called: at once on the message's context, after
 * a hop from any other thread. The listeners of {@link ShardProgress} run inside {@link ShardProgress#complete}, so
 * they observe the thread at the point of mutation.
 */
class AckOnChannelContextTest {

    private Vertx vertx;
    private ChannelContext channel;
    private ShardProgress progress;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        channel = new ChannelContext("ack-test", vertx);
        progress = new ShardProgress("shardId-000000000000", null);
    }

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void anAckFromAForeignThreadCompletesTheRecordOnTheChannelContext() throws Exception {
        List<IncomingKinesisMessage<byte[]>> messages = onContext(() -> fetch(2));
        AtomicReference<Boolean> firstCompletedOnContext = new AtomicReference<>();
        AtomicReference<Boolean> completedOnContext = new AtomicReference<>();
        AtomicReference<String> completedBy = new AtomicReference<>();
        onContext(() -> {
            // the room listener runs inside the first completion, the all-completed listener inside the last one
            assertThat(progress.roomFor(2, 1, () -> firstCompletedOnContext.set(channel.isCurrent()))).isZero();
            progress.whenAllCompleted(() -> {
                completedOnContext.set(channel.isCurrent());
                completedBy.set(Thread.currentThread().getName());
            });
            return null;
        });

        AtomicReference<CompletionStage<Void>> acks = new AtomicReference<>();
        Thread foreign = new Thread(() -> {
            messages.get(1).ack();
            acks.set(messages.get(0).ack());
        }, "plain-java-thread");
        foreign.start();
        foreign.join();
        acks.get().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(firstCompletedOnContext.get()).as("the first record was completed on the channel context").isTrue();
        assertThat(completedOnContext.get()).as("the last record was completed on the channel context").isTrue();
        assertThat(completedBy.get()).isNotEqualTo("plain-java-thread");
        assertThat(onContext(progress::completedPosition)).as("the checkpointed position moved").isEqualTo(at(2));
        assertThat(onContext(progress::pending)).isZero();
    }

    @Test
    void anAckOnTheMessagesContextCompletesAtOnceWithoutAHop() throws Exception {
        List<IncomingKinesisMessage<byte[]>> messages = onContext(() -> fetch(1));
        IncomingKinesisMessage<byte[]> message = messages.get(0);
        Context messageContext = message.getMetadata().get(LocalContextMetadata.class)
                .orElseThrow().context();
        assertThat(messageContext).isNotSameAs(channel.context());

        CompletableFuture<String> seen = new CompletableFuture<>();
        messageContext.runOnContext(ignored -> {
            CompletionStage<Void> ack = message.ack();
            // still in the same task: had the ack hopped, nothing would be completed yet
            seen.complete("done=" + ack.toCompletableFuture().isDone() + " pending=" + progress.pending()
                    + " position=" + progress.completedPosition());
        });

        assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("done=true pending=0 position=" + at(1));
    }

    @Test
    void eightThreadsAckingOutOfOrderMoveThePositionToTheLastRecordWithNoLostOrDoubleCompletion() throws Exception {
        int threads = 8;
        int records = 8 * 2_000;
        List<IncomingKinesisMessage<byte[]>> messages = onContext(() -> fetch(records));
        AtomicInteger allCompletedRuns = new AtomicInteger();
        AtomicBoolean completedOffContext = new AtomicBoolean();
        onContext(() -> {
            progress.whenAllCompleted(() -> {
                allCompletedRuns.incrementAndGet();
                completedOffContext.set(!channel.isCurrent());
            });
            return null;
        });

        List<IncomingKinesisMessage<byte[]>> shuffled = new ArrayList<>(messages);
        Collections.shuffle(shuffled, new Random(12));
        List<CompletableFuture<Void>> acks = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ackers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * (records / threads);
            List<IncomingKinesisMessage<byte[]>> share = shuffled.subList(first, first + records / threads);
            Thread acker = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < share.size(); i++) {
                    acks.add(share.get(i).ack().toCompletableFuture());
                    if (i % 10 == 0) {
                        // acked twice: the second ack must count for nothing
                        acks.add(share.get(i).ack().toCompletableFuture());
                    }
                }
            }, "acker-" + t);
            acker.start();
            ackers.add(acker);
        }
        go.countDown();
        for (Thread acker : ackers) {
            acker.join();
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(onContext(progress::pending)).as("neither lost (> 0) nor counted twice (< 0)").isZero();
        assertThat(onContext(progress::completedPosition)).isEqualTo(at(records));
        assertThat(onContext(progress::fetchedCount)).isEqualTo(records);
        assertThat(allCompletedRuns).hasValue(1);
        assertThat(completedOffContext).isFalse();
    }

    @Test
    void theRecordCountsAreNotReadOnAnotherEventLoop() throws Exception {
        Context other = vertx.getOrCreateContext();
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        other.runOnContext(ignored -> {
            try {
                channel.read("pendingRecords()", progress::pending);
                refused.complete(null);
            } catch (RuntimeException e) {
                refused.complete(e);
            }
        });
        assertThat(refused.get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pendingRecords()").hasMessageContaining("event loop");
        assertThat(channel.read("pendingRecords()", progress::pending)).as("from a plain thread it hops").isZero();
        assertThatThrownBy(() -> channel.read("failing", () -> {
            throw new IllegalArgumentException("boom");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("boom");
    }

    /** Fetches records at sequence numbers 1..count, as a reader does, and makes their messages (on the context). */
    private List<IncomingKinesisMessage<byte[]>> fetch(int count) {
        assertThat(channel.isCurrent()).isTrue();
        List<IncomingKinesisMessage<byte[]>> messages = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Record record = Record.builder().sequenceNumber(String.valueOf(i)).partitionKey("k")
                    .data(SdkBytes.fromUtf8String("r" + i)).build();
            ReceivedRecord received = new ReceivedRecord(channel, progress, progress.fetched(at(i)), record, null, 0);
            IncomingKinesisMetadata metadata = new IncomingKinesisMetadata("stream", progress.shardId(),
                    record.sequenceNumber(), 0, "k", null, null, 0);
            messages.add(new IncomingKinesisMessage<>(received, received.payload(), metadata, null,
                    channel.context().duplicate()));
        }
        return messages;
    }

    private <T> T onContext(Supplier<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        channel.submit(() -> result.complete(action.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    private static ShardPosition at(long sequence) {
        return new ShardPosition(BigInteger.valueOf(sequence), 0);
    }
}
