package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.checkpoint.InMemoryCheckpointStore;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * What a nacked message does under each failure strategy, against kinesis-mock. The consumer fails on "m-3".
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingFailureStrategyTest extends WeldTestBase {

    static final String SHARD = "shardId-000000000000";
    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    private static String newStream() {
        String stream = "fs-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 1);
        StreamWriter.putAll(kinesis.client(), stream,
                IntStream.range(0, 10).mapToObj(i -> StreamWriter.entry("key-" + i, "m-" + i)).toList());
        return stream;
    }

    private static MapBasedConfig channel(String stream, String strategy) {
        return new MapBasedConfig()
                .with("mp.messaging.incoming.orders-in.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.incoming.orders-in.stream", stream)
                .with("mp.messaging.incoming.orders-in.region", kinesis.region())
                .with("mp.messaging.incoming.orders-in.endpoint-override", kinesis.endpoint().toString())
                .with("mp.messaging.incoming.orders-in.starting-position", "trim_horizon")
                .with("mp.messaging.incoming.orders-in.checkpoint-interval", "100ms")
                .with("mp.messaging.incoming.orders-in.failure-strategy", strategy);
    }

    private static List<String> payloads(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m-" + i).toList();
    }

    private ShardPosition checkpoint() {
        InMemoryCheckpointStore store = (InMemoryCheckpointStore) connector().inboundChannel("orders-in")
                .checkpointStore();
        return store.position(SHARD).orElse(null);
    }

    private static ShardPosition positionOf(String stream, String payload) {
        return kinesis.readAll(stream).stream().filter(record -> record.dataAsUtf8().equals(payload))
                .map(record -> ShardPosition.of(record.sequenceNumber())).findFirst().orElseThrow();
    }

    @Test
    void failStopsTheChannelBeforeTheNackedRecordAndHealthReportsIt() {
        String stream = newStream();
        PoisonedConsumer app = runApplication(channel(stream, "fail"), PoisonedConsumer.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> !connector().getLiveness().isOk());
        HealthReport liveness = connector().getLiveness();
        assertThat(liveness.getChannels()).anySatisfy(info -> {
            assertThat(info.getChannel()).isEqualTo("orders-in");
            assertThat(info.getMessage()).contains("poisoned m-3");
        });
        assertThat(connector().getReadiness().isOk()).isFalse();
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(app.received()).containsExactlyElementsOf(payloads(0, 4));
        // the nacked record is not processed: the checkpoint stays on the record before it
        assertThat(checkpoint()).isEqualTo(positionOf(stream, "m-2"));
    }

    @Test
    void ignoreGoesOnAndTheCheckpointMovesPastTheNackedRecord() {
        String stream = newStream();
        PoisonedConsumer app = runApplication(channel(stream, "ignore"), PoisonedConsumer.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() >= 10);
        assertThat(app.received()).containsExactlyElementsOf(payloads(0, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> positionOf(stream, "m-9").equals(checkpoint()));
        assertThat(connector().getLiveness().isOk()).isTrue();
        assertThat(connector().getReadiness().isOk()).isTrue();
    }

    @Test
    void deadLetterStreamReceivesTheNackedRecordWithItsPartitionKey() {
        String stream = newStream();
        String deadLetters = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(deadLetters, 1);
        PoisonedConsumer app = runApplication(channel(stream, "dead-letter-stream")
                .with("mp.messaging.incoming.orders-in.dead-letter-stream", deadLetters), PoisonedConsumer.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> app.received().size() >= 10);
        assertThat(app.received()).containsExactlyElementsOf(payloads(0, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> positionOf(stream, "m-9").equals(checkpoint()));
        List<KinesisMock.ShardRecord> dead = kinesis.readAll(deadLetters);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).dataAsUtf8()).isEqualTo("m-3");
        assertThat(dead.get(0).partitionKey()).isEqualTo("key-3");
        assertThat(connector().getLiveness().isOk()).isTrue();
    }

    @Test
    void deadLetterStrategyWithoutAStreamFailsTheStartNamingTheAttribute() {
        addBeans(PoisonedConsumer.class);
        Throwable failure = catchThrowable(() -> runApplication(channel("whatever", "dead-letter-stream")));
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        assertThat(messages).anySatisfy(message -> assertThat(message).contains("dead-letter-stream")
                .contains("orders-in").contains("required"));
    }

    @ApplicationScoped
    public static class PoisonedConsumer {
        private final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return new ArrayList<>(received);
        }

        @Incoming("orders-in")
        void consume(String payload) {
            received.add(payload);
            if (payload.equals("m-3")) {
                throw new IllegalStateException("poisoned " + payload);
            }
        }
    }
}
