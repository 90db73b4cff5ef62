package io.smallrye.reactive.messaging.kinesis.outgoing;

import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.STREAM;
import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.TIMEOUT;
import static io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.INTERNAL_FAILURE;
import static io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.THROUGHPUT_EXCEEDED;
import static io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.THROUGHPUT_MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.KinesisSendResult;
import io.smallrye.reactive.messaging.kinesis.KinesisWriteException;
import io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.Tracked;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.Call;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.Write;

/**
 * Refused entries and failed requests: what is retried, how often, and how the messages end.
 */
class KinesisOutboundChannelRetryTest {

    private ChannelHarness harness;

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    private List<Tracked> messages(int count) {
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // every other message asks for the send result
            messages.add(i % 2 == 0 ? harness.messageWithResult("m" + i) : harness.message("m" + i));
        }
        return messages;
    }

    @Test
    void onlyTheRefusedEntriesAreRetriedTogetherInEmissionOrder() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.refuseEntries(Map.of("m3", List.of(THROUGHPUT_EXCEEDED), "m7", List.of(INTERNAL_FAILURE)));
        harness = ChannelHarness.create(fake, "max-batch-records=10", "buffer-time=1h");

        List<Tracked> messages = messages(10);
        harness.send(messages);
        harness.awaitAllDone();

        List<Call> calls = fake.calls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).data()).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(calls.get(1).data()).containsExactly("m3", "m7");
        assertThat(calls.get(1).stream()).isEqualTo(STREAM);
        harness.assertAllAckedOnce(messages);

        // the send result of each message is where the fake wrote it (for the retried m3: its second attempt)
        for (Tracked message : messages) {
            if (message.result != null) {
                Write write = fake.writeOf(message.id);
                assertThat(message.result.getResult()).as(message.id)
                        .isEqualTo(new KinesisSendResult(STREAM, write.shardId(), write.sequenceNumber()));
            }
        }
        assertThat(fake.writeOf("m3").call()).isEqualTo(1);
        assertThat(fake.writes()).extracting(Write::data)
                .containsExactly("m0", "m1", "m2", "m4", "m5", "m6", "m8", "m9", "m3", "m7");
    }

    @Test
    void aRecordRefusedEveryTimeIsNackedAfterMaxRetries() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.entries((data, attempt) -> data.equals("m2") ? THROUGHPUT_EXCEEDED : null);
        harness = ChannelHarness.create(fake, "max-batch-records=4", "buffer-time=1h", "max-retries=2",
                "retry-backoff=10ms", "max-retry-backoff=40ms");

        List<Tracked> messages = messages(4);
        harness.send(messages);
        harness.awaitAllDone();

        assertThat(fake.timesSent("m2")).isEqualTo(3);
        assertThat(fake.calls()).extracting(Call::data).containsExactly(
                List.of("m0", "m1", "m2", "m3"), List.of("m2"), List.of("m2"));
        Throwable reason = harness.get("m2").assertNackedOnce();
        assertThat(reason).isInstanceOf(KinesisWriteException.class);
        KinesisWriteException failure = (KinesisWriteException) reason;
        assertThat(failure.getErrorCode()).isEqualTo(THROUGHPUT_EXCEEDED);
        assertThat(failure.getAttempts()).isEqualTo(3);
        assertThat(failure.getMessage())
                .contains(THROUGHPUT_EXCEEDED)
                .contains(THROUGHPUT_MESSAGE)
                .contains("3 attempt(s)")
                .contains("'" + STREAM + "'");
        assertThat(harness.get("m2").result.getResult()).isNull();
        harness.assertAllAckedOnce(List.of(harness.get("m0"), harness.get("m1"), harness.get("m3")));
    }

    @Test
    void recordsAreNotRetriedWithMaxRetriesZero() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.refuseEntry("m0", INTERNAL_FAILURE);
        harness = ChannelHarness.create(fake, "max-batch-records=2", "buffer-time=1h", "max-retries=0");

        harness.send(messages(2));
        harness.awaitAllDone();

        assertThat(fake.callCount()).isEqualTo(1);
        KinesisWriteException failure = (KinesisWriteException) harness.get("m0").assertNackedOnce();
        assertThat(failure.getErrorCode()).isEqualTo(INTERNAL_FAILURE);
        assertThat(failure.getMessage()).contains("1 attempt(s)").contains(INTERNAL_FAILURE);
        harness.get("m1").assertAckedOnce();
    }

    @Test
    void aRequestFailingWithAClientExceptionIsRetriedWhole() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.failFirstRequests(1, FakeKinesisClient::connectionReset);
        harness = ChannelHarness.create(fake, "max-batch-records=5", "buffer-time=1h");

        List<Tracked> messages = messages(5);
        harness.send(messages);
        harness.awaitAllDone();

        List<String> all = List.of("m0", "m1", "m2", "m3", "m4");
        assertThat(fake.calls()).extracting(Call::data).containsExactly(all, all);
        harness.assertAllAckedOnce(messages);
        assertThat(harness.get("m0").result.getResult().sequenceNumber())
                .isEqualTo(fake.writeOf("m0").sequenceNumber());
    }

    @Test
    void aThrottledRequestIsRetriedWhole() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.failFirstRequests(2, FakeKinesisClient::throughputExceeded);
        harness = ChannelHarness.create(fake, "max-batch-records=3", "buffer-time=1h", "retry-backoff=20ms");

        List<Tracked> messages = messages(3);
        harness.send(messages);
        harness.awaitAllDone();

        List<String> all = List.of("m0", "m1", "m2");
        assertThat(fake.calls()).extracting(Call::data).containsExactly(all, all, all);
        harness.assertAllAckedOnce(messages);
    }

    @Test
    void aRequestFailingEveryTimeNacksItsMessagesWithTheCause() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.failFirstRequests(Integer.MAX_VALUE, FakeKinesisClient::connectionReset);
        harness = ChannelHarness.create(fake, "max-batch-records=2", "buffer-time=1h", "max-retries=1",
                "retry-backoff=10ms");

        harness.send(messages(2));
        harness.awaitAllDone();

        assertThat(fake.callCount()).isEqualTo(2);
        for (String id : List.of("m0", "m1")) {
            KinesisWriteException failure = (KinesisWriteException) harness.get(id).assertNackedOnce();
            assertThat(failure.getErrorCode()).isEqualTo("SdkClientException");
            assertThat(failure.getAttempts()).isEqualTo(2);
            assertThat(failure.getMessage()).contains("Connection reset").contains("2 attempt(s)");
            assertThat(failure.getCause()).hasMessageContaining("Connection reset");
        }
    }

    @Test
    void aMissingStreamIsRetriedWithinMaxRetriesThenNackedWhileReadinessSaysWhy() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.failFirstRequests(Integer.MAX_VALUE, () -> FakeKinesisClient.streamNotFound(STREAM));
        harness = ChannelHarness.create(fake, "max-batch-records=5", "buffer-time=1h", "max-retries=3",
                "retry-backoff=100ms", "max-retry-backoff=200ms");
        assertThat(readiness().isOk()).isTrue();

        List<Tracked> messages = messages(5);
        harness.send(messages);
        String notFound = "Stream '" + STREAM + "' was not found in region us-east-1";
        await().atMost(TIMEOUT).until(() -> fake.callCount() >= 1 && !readiness().isOk());
        // while it retries, readiness says why
        assertThat(messages).noneMatch(Tracked::done);
        assertThat(readiness().getChannels().get(0).getMessage()).contains(notFound).contains("retrying");
        harness.awaitAllDone();

        assertThat(fake.callCount()).isEqualTo(4);
        for (Tracked message : messages) {
            KinesisWriteException reason = (KinesisWriteException) message.assertNackedOnce();
            assertThat(reason.getErrorCode()).isEqualTo("ResourceNotFoundException");
            assertThat(reason.getAttempts()).isEqualTo(4);
            assertThat(reason.getMessage()).contains(notFound).contains("after 4 attempt(s)")
                    .contains("Stream " + STREAM + " under account 000000000000 not found.");
        }
        HealthReport report = readiness();
        assertThat(report.isOk()).isFalse();
        assertThat(report.getChannels().get(0).getChannel()).isEqualTo(ChannelHarness.CHANNEL);
        assertThat(report.getChannels().get(0).getMessage()).contains(notFound);
        // and nothing is sent again later
        await().during(java.time.Duration.ofMillis(300)).atMost(TIMEOUT).until(() -> fake.callCount() == 4);
    }

    @Test
    void aStreamMissingForAMomentLosesNothingAndTheChannelIsReadyAgain() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.failFirstRequests(2, () -> FakeKinesisClient.streamNotFound(STREAM));
        harness = ChannelHarness.create(fake, "max-batch-records=1", "buffer-time=1h", "retry-backoff=300ms",
                "max-retry-backoff=300ms");

        harness.send(harness.message("kept"));
        await().atMost(TIMEOUT).until(() -> !readiness().isOk());
        harness.awaitAllDone();

        harness.get("kept").assertAckedOnce();
        assertThat(fake.timesSent("kept")).isEqualTo(3);
        assertThat(readiness().isOk()).isTrue();
    }

    @Test
    void manyRefusalsInOneAnswerAreRetriedInOneRequest() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.entries((data, attempt) -> attempt == 1 && Integer.parseInt(data.substring(1)) % 2 == 1
                ? THROUGHPUT_EXCEEDED
                : null);
        harness = ChannelHarness.create(fake, "max-batch-records=100", "buffer-time=1h");

        List<Tracked> messages = messages(100);
        harness.send(messages);
        harness.awaitAllDone();

        assertThat(fake.calls()).hasSize(2);
        assertThat(fake.calls().get(1).data())
                .containsExactlyElementsOf(IntStream.range(0, 100).filter(i -> i % 2 == 1).mapToObj(i -> "m" + i).toList());
        harness.assertAllAckedOnce(messages);
    }

    private HealthReport readiness() {
        HealthReport.HealthReportBuilder builder = HealthReport.builder();
        harness.channel.reportReadiness(builder);
        return builder.build();
    }
}
