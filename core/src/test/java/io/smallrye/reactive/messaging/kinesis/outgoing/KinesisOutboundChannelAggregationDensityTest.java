package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.Tracked;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.SentEntry;

/**
 * When an aggregated record leaves: full, or when its oldest record waited buffer-time, at the flush, or when the
 * channel holds its bound with nothing in flight; never half full just because a request was being filled.
 */
class KinesisOutboundChannelAggregationDensityTest {

    private ChannelHarness harness;

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    private ChannelHarness aggregating(FakeKinesisClient fake, String... attributes) {
        List<String> all = new ArrayList<>(List.of("aggregation=true", "aggregation-max-bytes=1000"));
        all.addAll(List.of(attributes));
        return ChannelHarness.create(fake, all.toArray(String[]::new));
    }

    private static FakeKinesisClient fakeWithShards(int count) {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.shards(FakeKinesisClient.evenShards(count, 0));
        return fake;
    }

    /** {@code count} messages of 100 bytes of data, over {@code keys} keys round-robin. */
    private List<Tracked> messages(int count, int keys) {
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = "k" + (i % keys);
            StringBuilder data = new StringBuilder(key).append('/').append(i).append('/');
            while (data.length() < 100) {
                data.append('.');
            }
            messages.add(harness.messageWithResult(data.toString(),
                    OutgoingKinesisMetadata.builder().partitionKey(key).build()));
        }
        return messages;
    }

    private static List<SentEntry> entries(FakeKinesisClient fake) {
        return fake.calls().stream().flatMap(call -> call.entries.stream()).toList();
    }

    @Test
    void fullAggregatedRecordsLeaveWhileAPartialOneWaitsForMoreRecordsUntilTheFlush() {
        FakeKinesisClient fake = fakeWithShards(1);
        // a bound of 25 records: the channel holds 25 messages, which fill two aggregated records of 1000 bytes
        harness = aggregating(fake, "max-buffered-records=25", "buffer-time=1h", "ordering=none");
        List<Tracked> messages = messages(25, 1);
        harness.send(messages);

        await().atMost(ChannelHarness.TIMEOUT).until(() -> harness.completed.get() > 0);
        await().during(Duration.ofMillis(300)).atMost(ChannelHarness.TIMEOUT)
                .until(() -> fake.callCount() == 1);
        List<SentEntry> full = entries(fake);
        assertThat(full).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.aggregated()).isTrue();
            // a 100-byte record more would not have fitted
            assertThat(entry.bytes()).isGreaterThan(1000 - 110);
        });
        int sentFull = full.stream().mapToInt(entry -> entry.records().size()).sum();
        assertThat(messages.subList(sentFull, messages.size())).noneMatch(Tracked::done);

        harness.channel.close();

        harness.assertAllAckedOnce(messages);
        assertThat(fake.callCount()).isEqualTo(2);
        assertThat(fake.calls().get(1).userData()).hasSize(messages.size() - sentFull);
    }

    @Test
    void aPartialAggregatedRecordLeavesOnceItsOldestRecordWaitedBufferTime() {
        FakeKinesisClient fake = fakeWithShards(1);
        harness = aggregating(fake, "buffer-time=200ms");
        List<Tracked> messages = messages(5, 2);
        harness.send(messages);

        await().atMost(ChannelHarness.TIMEOUT).until(() -> messages.stream().allMatch(Tracked::done));

        harness.assertAllAckedOnce(messages);
        assertThat(entries(fake)).singleElement().satisfies(entry -> {
            assertThat(entry.aggregated()).isTrue();
            assertThat(entry.records()).hasSize(5);
        });
    }

    @Test
    void aChannelHoldingItsBoundWithNothingInFlightSendsItsPartialAggregatedRecords() {
        FakeKinesisClient fake = fakeWithShards(4);
        // six keys over four shards never fill an aggregated record: waiting for more would stall upstream
        harness = aggregating(fake, "max-buffered-records=6", "buffer-time=1h");
        List<Tracked> messages = messages(6, 6);
        harness.send(messages);

        await().atMost(ChannelHarness.TIMEOUT).until(() -> messages.stream().allMatch(Tracked::done));

        harness.assertAllAckedOnce(messages);
        assertThat(fake.callCount()).isEqualTo(1);
    }
}
