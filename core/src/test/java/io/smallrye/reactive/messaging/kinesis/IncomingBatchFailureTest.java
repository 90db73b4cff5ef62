package io.smallrye.reactive.messaging.kinesis;

import static io.smallrye.reactive.messaging.kinesis.IncomingBatchTest.SHARD;
import static io.smallrye.reactive.messaging.kinesis.IncomingBatchTest.channel;
import static io.smallrye.reactive.messaging.kinesis.IncomingBatchTest.count;
import static io.smallrye.reactive.messaging.kinesis.IncomingBatchTest.newStream;
import static io.smallrye.reactive.messaging.kinesis.IncomingBatchTest.order;
import static io.smallrye.reactive.messaging.kinesis.IncomingBatchTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.checkpoint.InMemoryCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * batch=true against kinesis-mock: a nacked batch goes through the channel's failure strategy as a whole.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingBatchFailureTest extends WeldTestBase {

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
        IncomingBatchTest.emulator(mock); // its stream and channel helpers
    }

    @Test
    void aNackedBatchIsWrittenRecordByRecordToTheDeadLetterStreamAndReadingGoesOn() {
        String stream = newStream(4);
        String deadLetters = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(deadLetters, 1);
        FailingFirstBatch app = runApplication(channel(new MapBasedConfig(), "failing-in", stream, "string")
                .with("mp.messaging.incoming.failing-in.failure-strategy", "dead-letter-stream")
                .with("mp.messaging.incoming.failing-in.dead-letter-stream", deadLetters), FailingFirstBatch.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> kinesis.readAll(deadLetters).size() == 4);
        List<KinesisMock.ShardRecord> dead = kinesis.readAll(deadLetters);
        assertThat(dead).extracting(KinesisMock.ShardRecord::dataAsUtf8)
                .containsExactly(order(0), order(1), order(2), order(3));
        assertThat(dead).extracting(KinesisMock.ShardRecord::partitionKey)
                .containsExactly("key-0", "key-1", "key-2", "key-3");
        ShardPosition endOfBatch = ShardPosition.of(kinesis.readAll(stream).get(3).sequenceNumber());
        await().atMost(Duration.ofSeconds(10)).until(() -> endOfBatch.equals(checkpoint("failing-in")));

        write(stream, 4, 6);
        await().atMost(Duration.ofSeconds(20)).until(() -> count(app.received()) == 2);
        assertThat(app.received().stream().flatMap(List::stream).toList()).containsExactly(order(4), order(5));
    }

    @Test
    void aNackedBatchIsSkippedWithIgnoreOnOneLogLineAndReadingGoesOn() {
        String stream = newStream(5);
        try (LogCapture logs = LogCapture.start()) {
            FailingFirstBatch app = runApplication(channel(new MapBasedConfig(), "failing-in", stream, "string")
                    .with("mp.messaging.incoming.failing-in.failure-strategy", "ignore"), FailingFirstBatch.class);

            ShardPosition endOfBatch = ShardPosition.of(kinesis.readAll(stream).get(4).sequenceNumber());
            await().atMost(Duration.ofSeconds(20)).until(() -> endOfBatch.equals(checkpoint("failing-in")));
            assertThat(logs.containing("SRKIN1113")).singleElement().satisfies(line -> assertThat(line)
                    .contains("failing-in", SHARD, "(5 records)", kinesis.readAll(stream).get(0).sequenceNumber()));

            write(stream, 5, 7);
            await().atMost(Duration.ofSeconds(20)).until(() -> count(app.received()) == 2);
            assertThat(app.received().stream().flatMap(List::stream).toList()).containsExactly(order(5), order(6));
        }
    }

    @Test
    void aNackedBatchStopsTheChannelWithFailAndTheCheckpointStaysBeforeIt() {
        String stream = newStream(3);
        FailingFirstBatch app = runApplication(channel(new MapBasedConfig(), "failing-in", stream, "string"),
                FailingFirstBatch.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> !connector().getLiveness().isOk());
        assertThat(connector().getLiveness().getChannels()).singleElement().satisfies(info -> assertThat(
                info.getMessage()).contains("failing-in", SHARD, kinesis.readAll(stream).get(0).sequenceNumber()));
        assertThat(app.received()).isEmpty();
        assertThat(checkpoint("failing-in")).isNull();
    }

    private ShardPosition checkpoint(String channel) {
        InMemoryCheckpointStore store = (InMemoryCheckpointStore) connector().inboundChannel(channel)
                .checkpointStore();
        return store.position(SHARD).orElse(null);
    }

    @ApplicationScoped
    public static class FailingFirstBatch {
        final List<List<String>> received = new CopyOnWriteArrayList<>();

        List<List<String>> received() {
            return received;
        }

        final AtomicBoolean failed = new AtomicBoolean();

        @Incoming("failing-in")
        void consume(List<String> batch) {
            if (failed.compareAndSet(false, true)) {
                throw new IllegalStateException("cannot process " + new ArrayList<>(batch));
            }
            received.add(batch);
        }
    }
}
