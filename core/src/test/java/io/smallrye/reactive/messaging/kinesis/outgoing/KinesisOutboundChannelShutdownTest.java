package io.smallrye.reactive.messaging.kinesis.outgoing;

import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.CHANNEL;
import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.STREAM;
import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.KinesisSendResult;
import io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.Tracked;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.Write;

/**
 * close(): what is buffered is sent, what cannot be sent within shutdown-timeout is nacked, and nothing is taken
 * afterwards.
 */
class KinesisOutboundChannelShutdownTest {

    private ChannelHarness harness;

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void closeSendsWhatIsBufferedAndReturnsOnceEverythingIsAcked() {
        harness = ChannelHarness.create("buffer-time=1h");
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            messages.add(harness.messageWithResult("m" + i));
        }
        harness.send(messages);
        await().during(Duration.ofMillis(200)).atMost(TIMEOUT).until(() -> harness.fake.callCount() == 0);

        harness.channel.close();

        // no waiting: all of it happened before close() returned
        assertThat(harness.fake.allSentData()).containsExactlyElementsOf(messages.stream().map(m -> m.id).toList());
        harness.assertAllAckedOnce(messages);
        for (Tracked message : messages) {
            Write write = harness.fake.writeOf(message.id);
            assertThat(message.result.getResult())
                    .isEqualTo(new KinesisSendResult(STREAM, write.shardId(), write.sequenceNumber()));
        }
    }

    @Test
    void closeWaitsForTheAcksOfEveryAnswerNotOnlyTheLastOne() throws Exception {
        FakeKinesisClient fake = new FakeKinesisClient(2);
        fake.holdAnswers();
        harness = ChannelHarness.create(fake, "max-batch-records=2", "buffer-time=1h");
        CountDownLatch ackStarted = new CountDownLatch(1);
        CountDownLatch ackMayFinish = new CountDownLatch(1);
        // a0 is acked slowly: while its ack runs, a1 (same answer) is not acked yet
        Message<?> slow = harness.message("a0").message.withAck(() -> {
            ackStarted.countDown();
            try {
                ackMayFinish.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return harness.get("a0").message.ack();
        });
        Tracked a1 = harness.message("a1");
        Tracked b0 = harness.message("b0");
        Tracked b1 = harness.message("b1");
        harness.subscribe(io.smallrye.mutiny.Multi.createFrom().<Message<?>> items(slow, a1.message, b0.message, b1.message));
        await().atMost(TIMEOUT).until(() -> fake.callCount() == 2);

        fake.releaseAnswers();
        assertThat(ackStarted.await(10, TimeUnit.SECONDS)).isTrue();
        // the two answers reach the context in either order; b's may wait behind a0's slow ack on the context
        assertThat(a1.done()).isFalse();

        CompletableFuture<Void> closed = CompletableFuture.runAsync(harness.channel::close);
        // a1 is released (its answer came back) but not acked: close() must wait for it
        await().during(Duration.ofMillis(300)).atMost(TIMEOUT).until(() -> !closed.isDone());
        ackMayFinish.countDown();
        closed.get(10, TimeUnit.SECONDS);

        assertThat(a1.acks.get()).as("a1 acked when close() returned").isEqualTo(1);
        harness.assertAllAckedOnce(List.of(harness.get("a0"), a1, b0, b1));
    }

    @Test
    void closeNacksWhatWasNotSentWithinShutdownTimeout() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.neverAnswer();
        harness = ChannelHarness.create(fake, "buffer-time=1h", "max-batch-records=4", "shutdown-timeout=300ms");
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            messages.add(harness.message("m" + i));
        }
        harness.send(messages);
        // two full requests left at once (and are never answered); two messages wait for buffer-time
        await().atMost(TIMEOUT).until(() -> fake.callCount() == 2);

        long start = System.nanoTime();
        harness.channel.close();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(elapsedMillis).isGreaterThanOrEqualTo(250).isLessThan(5000);
        assertThat(fake.allSentData()).containsExactlyInAnyOrderElementsOf(messages.stream().map(m -> m.id).toList());
        for (Tracked message : messages) {
            Throwable reason = message.assertNackedOnce();
            assertThat(reason).isInstanceOf(IllegalStateException.class);
            assertThat(reason.getMessage())
                    .contains("'" + CHANNEL + "'")
                    .contains("'" + STREAM + "'")
                    .contains("300 ms")
                    .contains("shutdown-timeout");
        }
        // an answer arriving after the nack would not ack again: there is none here, and nothing else happens
        await().during(Duration.ofMillis(200)).atMost(TIMEOUT)
                .until(() -> messages.stream().allMatch(m -> m.acks.get() == 0 && m.nacks.size() == 1));
    }

    @Test
    void aMessageArrivingAfterCloseIsNacked() {
        harness = ChannelHarness.create("buffer-time=1h");
        Tracked before = harness.message("before");
        harness.send(before);
        harness.channel.close();
        before.assertAckedOnce();

        Tracked after = harness.message("after");
        harness.channel.onNext(after.message);

        Throwable reason = after.assertNackedOnce();
        assertThat(reason).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Channel '" + CHANNEL + "' is closed")
                .hasMessageContaining("'" + STREAM + "'");
        assertThat(harness.fake.allSentData()).containsExactly("before");

        HealthReport.HealthReportBuilder builder = HealthReport.builder();
        harness.channel.reportReadiness(builder);
        assertThat(builder.build().isOk()).isFalse();
    }

    @Test
    void closeWithNothingHeldReturnsAtOnce() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.neverAnswer();
        harness = ChannelHarness.create(fake, "shutdown-timeout=10s");
        long start = System.nanoTime();
        harness.channel.close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
        assertThat(fake.callCount()).isZero();
    }

    @Test
    void upstreamCompletionSendsWhatIsBufferedWithoutWaitingForBufferTime() {
        harness = ChannelHarness.create("buffer-time=1h");
        List<Tracked> messages = List.of(harness.message("m0"), harness.message("m1"), harness.message("m2"));

        harness.subscribe(io.smallrye.mutiny.Multi.createFrom().<Message<?>> iterable(
                messages.stream().<Message<?>> map(m -> m.message).toList()));

        harness.awaitAllDone();
        harness.assertAllAckedOnce(messages);
        assertThat(harness.fake.calls()).hasSize(1);
        assertThat(harness.fake.calls().get(0).data()).containsExactly("m0", "m1", "m2");
    }

    @Test
    void upstreamFailureSendsWhatIsBufferedAndIsReportedInLiveness() {
        harness = ChannelHarness.create("buffer-time=1h");
        Tracked message = harness.message("m0");

        harness.subscribe(io.smallrye.mutiny.Multi.createFrom().<Message<?>> item(message.message)
                .onCompletion().failWith(new IllegalStateException("upstream broke")));

        harness.awaitAllDone();
        message.assertAckedOnce();
        HealthReport.HealthReportBuilder builder = HealthReport.builder();
        harness.channel.reportLiveness(builder);
        HealthReport liveness = builder.build();
        assertThat(liveness.isOk()).isFalse();
        assertThat(liveness.getChannels().get(0).getMessage()).contains("upstream broke");
    }
}
