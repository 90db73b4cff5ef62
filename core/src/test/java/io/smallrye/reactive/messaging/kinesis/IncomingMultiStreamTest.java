package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.inspect.ShardSnapshot;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * One incoming channel reading several streams ({@code streams}) against kinesis-mock: every record of each stream,
 * with its stream in the metadata; a stream deleted while read stops its own readers only.
 */
@ExtendWith(KinesisMockExtension.class)
class IncomingMultiStreamTest extends WeldTestBase {

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    static String newStream(int shards) {
        String stream = "multi-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, shards);
        return stream;
    }

    static void write(String stream, String prefix, int from, int to) {
        StreamWriter.putAll(kinesis.client(), stream,
                IntStream.range(from, to).mapToObj(i -> StreamWriter.entry("key-" + i, prefix + i)).toList());
    }

    static MapBasedConfig channel(String streams) {
        String prefix = "mp.messaging.incoming.orders-in.";
        return new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "streams", streams)
                .with(prefix + "region", kinesis.region())
                .with(prefix + "endpoint-override", kinesis.endpoint().toString())
                .with(prefix + "starting-position", "trim_horizon")
                .with(prefix + "shard-discovery-interval", "1s")
                .with(prefix + "retry-backoff", "100ms")
                .with(prefix + "max-retry-backoff", "500ms");
    }

    @Test
    void oneChannelReadsEveryRecordOfEveryListedStreamWithItsStreamInTheMetadata() {
        String eu = newStream(2);
        String us = newStream(1);
        write(eu, "eu-", 0, 30);
        write(us, "us-", 0, 20);

        Consumer app = runApplication(channel(eu + ", " + us), Consumer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 50);
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);

        List<String> expected = new ArrayList<>();
        IntStream.range(0, 30).forEach(i -> expected.add(eu + "/eu-" + i));
        IntStream.range(0, 20).forEach(i -> expected.add(us + "/us-" + i));
        assertThat(app.received()).as("stream from the metadata / payload").containsExactlyInAnyOrderElementsOf(expected);

        var channel = connector().inboundChannel("orders-in");
        assertThat(channel.streams()).containsExactly(eu, us);
        assertThat(channel.activeShards()).isEqualTo(3);
        var snapshot = channel.snapshot().await().atMost(Duration.ofSeconds(5));
        assertThat(snapshot.stream()).isEqualTo(eu + ", " + us);
        assertThat(snapshot.shards()).extracting(ShardSnapshot::stream).containsExactlyInAnyOrder(eu, eu, us);
        assertThat(connector().getReadiness().isOk()).isTrue();
    }

    @Test
    void aStreamDeletedWhileReadStopsItsReadersOnlyAndReadinessNamesIt() {
        String gone = newStream(2);
        String kept = newStream(1);
        write(gone, "gone-", 0, 10);
        write(kept, "kept-", 0, 10);
        try (LogCapture logs = LogCapture.start()) {
            Consumer app = runApplication(channel(gone + "," + kept), Consumer.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 20);
            var channel = connector().inboundChannel("orders-in");
            await().atMost(Duration.ofSeconds(10)).until(() -> channel.activeShards() == 3);

            kinesis.deleteStream(gone);
            await().atMost(Duration.ofSeconds(30)).until(() -> channel.activeShards() == 1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var readiness = connector().getReadiness();
                assertThat(readiness.isOk()).isFalse();
                assertThat(readiness.getChannels()).singleElement().satisfies(info -> assertThat(info.getMessage())
                        .contains("stream '" + gone + "'").contains("deleted"));
            });
            assertThat(connector().getLiveness().isOk()).as("restarting would not bring the stream back").isTrue();

            write(kept, "kept-", 10, 25);
            await().atMost(Duration.ofSeconds(30)).until(() -> app.received().size() >= 35);
            assertThat(app.received()).filteredOn(text -> text.startsWith(kept + "/")).hasSize(25);
            await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
            assertThat(logs.containing("SRKIN1870")).as("one error line for the deleted stream").singleElement()
                    .satisfies(line -> assertThat(line).contains(gone).contains("2 shard readers"));
        }
    }

    @ApplicationScoped
    public static class Consumer {
        private final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return new ArrayList<>(received);
        }

        @Incoming("orders-in")
        CompletionStage<Void> consume(Message<String> message) {
            IncomingKinesisMetadata metadata = message.getMetadata(IncomingKinesisMetadata.class).orElseThrow();
            received.add(metadata.getStream() + "/" + message.getPayload());
            return message.ack();
        }
    }
}
