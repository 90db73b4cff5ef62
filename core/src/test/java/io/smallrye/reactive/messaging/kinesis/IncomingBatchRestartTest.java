package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynaliteTables;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * batch=true with checkpoint-store=dynamodb against kinesis-mock and dynalite: acked batches are checkpointed, and a
 * restarted application resumes after the last batch, without reading any of its records again.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingBatchRestartTest extends WeldTestBase {

    static KinesisMock kinesis;
    static Dynalite dynalite;

    @BeforeAll
    static void emulators(KinesisMock mock) {
        kinesis = mock;
        dynalite = new Dynalite();
        dynalite.start();
    }

    @AfterAll
    static void stopDynalite() {
        dynalite.stop();
    }

    private static void write(String stream, int from, int to) {
        StreamWriter.putAll(kinesis.client(), stream,
                IntStream.range(from, to).mapToObj(i -> StreamWriter.entry("key-" + i, "m-" + i)).toList());
    }

    private static MapBasedConfig channel(String stream, String table, String worker) {
        String prefix = "mp.messaging.incoming.batch-in.";
        return new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "stream", stream)
                .with(prefix + "region", kinesis.region())
                .with(prefix + "endpoint-override", kinesis.endpoint().toString())
                .with(prefix + "starting-position", "trim_horizon")
                .with(prefix + "batch", true)
                .with(prefix + "payload-type", "string")
                .with(prefix + "max-records", 4)
                .with(prefix + "checkpoint-interval", "200ms")
                .with(prefix + "checkpoint-store", "dynamodb")
                .with(prefix + "application-name", table)
                .with(prefix + "worker-id", worker)
                .with(prefix + "failover-time", "1500ms")
                .with(prefix + "dynamodb-endpoint-override", dynalite.endpoint().toString());
    }

    @Test
    void aRestartedApplicationResumesAfterTheLastAckedBatch() {
        String stream = "batch-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 1);
        write(stream, 0, 10);
        String table = DynaliteTables.newTableName();
        BatchConsumer first = runApplication(channel(stream, table, "first"), BatchConsumer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.received().size() >= 10);
        assertThat(first.batches()).as("pages of at most max-records").allSatisfy(
                batch -> assertThat(batch).hasSizeBetween(1, 4));
        assertThat(first.received()).containsExactlyElementsOf(payloads(0, 10));
        container.shutdown();

        write(stream, 10, 15);
        initWeld(); // a new application, as after a restart
        BatchConsumer second = runApplication(channel(stream, table, "second"), BatchConsumer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.received().size() >= 5);
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(second.received()).as("only the records written after the restart")
                .containsExactlyElementsOf(payloads(10, 15));
    }

    private static List<String> payloads(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m-" + i).toList();
    }

    @ApplicationScoped
    public static class BatchConsumer {
        private final List<List<String>> batches = new CopyOnWriteArrayList<>();

        List<List<String>> batches() {
            return new ArrayList<>(batches);
        }

        List<String> received() {
            return batches.stream().flatMap(List::stream).toList();
        }

        @Incoming("batch-in")
        void consume(List<String> batch) {
            batches.add(batch);
        }
    }
}
