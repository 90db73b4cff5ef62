package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * A measurement, not a test of the suite (run it with {@code -Dtest=FewKeysApplicationStopHarness}): an application
 * (Weld, Emitter, the connector's own client, default settings otherwise) emits 300 messages over 50 partition keys
 * and is stopped at once, as at SIGTERM, against kinesis-mock. Prints how long the stop took and how many Kinesis
 * records the stream got. It asserts only that every message was acked.
 */
@ExtendWith(KinesisMockExtension.class)
class FewKeysApplicationStopHarness extends WeldTestBase {

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    @ParameterizedTest(name = "ordering={0}, aggregation={1}")
    @CsvSource({ "strict,false", "relaxed,false", "none,false", "strict,true" })
    void stopWithFewKeysBuffered(String ordering, boolean aggregation) {
        String stream = "stop-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 4);
        OutgoingAggregationEmulatorTest.AggregatingSender app = runApplication(new MapBasedConfig()
                .with("mp.messaging.outgoing.agg-out.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.outgoing.agg-out.stream", stream)
                .with("mp.messaging.outgoing.agg-out.region", kinesis.region())
                .with("mp.messaging.outgoing.agg-out.endpoint-override", kinesis.endpoint().toString())
                .with("mp.messaging.outgoing.agg-out.ordering", ordering)
                .with("mp.messaging.outgoing.agg-out.aggregation", String.valueOf(aggregation)),
                OutgoingAggregationEmulatorTest.AggregatingSender.class);
        List<CompletableFuture<KinesisSendResult>> sends = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String key = "few-" + (i % 50);
            sends.add(app.send(key + "/" + i + "/", key));
        }

        long start = System.nanoTime();
        container.shutdown();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(sends).allSatisfy(send -> assertThat(send).isCompleted().isNotCompletedExceptionally());
        System.out.printf("STOP ordering=%-7s aggregation=%-5s: stopped in %4d ms, %d Kinesis records%n", ordering,
                aggregation, tookMillis, kinesis.readAll(stream).size());
    }
}
