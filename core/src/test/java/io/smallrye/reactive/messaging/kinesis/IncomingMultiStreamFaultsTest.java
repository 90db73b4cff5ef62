package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.test.ClientBean;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * A channel reading several streams against {@link ScriptedStreams}: the exact sequence when one of them is deleted
 * while read (its readers stop, one ERROR line, readiness names it, the other stream goes on).
 */
class IncomingMultiStreamFaultsTest extends WeldTestBase {

    static final String SHARD_0 = "shardId-000000000000";
    static final String SHARD_1 = "shardId-000000000001";

    ScriptedStreams kinesis;

    @BeforeEach
    void script() {
        kinesis = new ScriptedStreams();
        ClientBean.use(kinesis);
        addBeans(ClientBean.class);
    }

    private MapBasedConfig channel(String streams) {
        String prefix = "mp.messaging.incoming.scripted-in.";
        return new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "streams", streams)
                .with(prefix + "client-bean", ClientBean.IDENTIFIER)
                .with(prefix + "starting-position", "trim_horizon")
                .with(prefix + "shard-discovery-interval", "1s")
                .with(prefix + "retry-backoff", "50ms")
                .with(prefix + "max-retry-backoff", "100ms");
    }

    private static List<String> expected(String stream, String shardId, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> stream + "/" + shardId + ":" + i).toList();
    }

    @Test
    void aDeletedStreamStopsOnlyItsReadersWithOneErrorLineAndReadinessNamingIt() {
        ScriptedKinesis gone = kinesis.stream("gone");
        ScriptedKinesis kept = kinesis.stream("kept");
        gone.addShard(SHARD_0).withRecords(10);
        gone.addShard(SHARD_1).withRecords(10);
        kept.addShard(SHARD_0).withRecords(10);

        try (LogCapture errors = LogCapture.start(Level.SEVERE); LogCapture warnings = LogCapture.start()) {
            Collector app = runApplication(channel("gone,kept"), Collector.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 30);
            var channel = connector().inboundChannel("scripted-in");
            assertThat(channel.activeShards()).isEqualTo(3);

            gone.streamMissing = true;

            await().atMost(Duration.ofSeconds(10)).until(() -> channel.activeShards() == 1);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                var readiness = connector().getReadiness();
                assertThat(readiness.isOk()).isFalse();
                assertThat(readiness.getChannels()).singleElement().satisfies(info -> assertThat(info.getMessage())
                        .contains("stream 'gone'").contains("deleted").doesNotContain("'kept'"));
            });
            assertThat(connector().getLiveness().isOk()).as("restarting would not bring the stream back").isTrue();
            int goneCalls = gone.shard(SHARD_0).calls() + gone.shard(SHARD_1).calls();
            int goneListings = gone.listShardsCalls();

            // the other stream goes on: new records are read, while the deleted one is left alone
            kept.shard(SHARD_0).withRecords(15);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.received().size() >= 45);
            await().pollDelay(Duration.ofMillis(1500)).until(() -> true); // a discovery interval and more
            assertThat(app.received()).containsExactlyInAnyOrderElementsOf(concat(
                    expected("gone", SHARD_0, 0, 10), expected("gone", SHARD_1, 0, 10),
                    expected("kept", SHARD_0, 0, 25)));
            assertThat(gone.shard(SHARD_0).calls() + gone.shard(SHARD_1).calls())
                    .as("no GetRecords to the deleted stream once its readers stopped").isEqualTo(goneCalls);
            assertThat(gone.listShardsCalls()).as("no more listings of the deleted stream").isEqualTo(goneListings);
            assertThat(errors.all()).as("one ERROR line: the stream, its readers, what to do").singleElement()
                    .satisfies(line -> assertThat(line).startsWith("SRKIN1870").contains("'gone'")
                            .contains("2 shard readers").contains("ResourceNotFoundException"));
            assertThat(errors.withStackTrace()).as("the stack trace is for DEBUG").isEmpty();
            assertThat(warnings.all()).as("no line about the kept stream").noneMatch(line -> line.contains("'kept'"));
            assertThat(channel.streams()).containsExactly("gone", "kept");
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return all;
    }

    @ApplicationScoped
    public static class Collector {
        private final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return new ArrayList<>(received);
        }

        @Incoming("scripted-in")
        CompletionStage<Void> consume(Message<String> message) {
            IncomingKinesisMetadata metadata = message.getMetadata(IncomingKinesisMetadata.class).orElseThrow();
            received.add(metadata.getStream() + "/" + message.getPayload());
            return message.ack();
        }
    }
}
