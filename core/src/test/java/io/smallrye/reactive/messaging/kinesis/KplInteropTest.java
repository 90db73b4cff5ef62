package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.google.common.util.concurrent.ListenableFuture;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.UserRecordResult;

/**
 * Interoperability with the Kinesis Producer Library 1.1.1, an implementation of the aggregation format we did not
 * write: what the KPL aggregates (its native daemon, against kinesis-mock's TLS port), our incoming channel unpacks into
 * exactly the user records the KPL was given.
 */
@ExtendWith(KinesisMockExtension.class)
class KplInteropTest extends WeldTestBase {

    static final int COUNT = 1_500;
    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    /** A user record as handed to the KPL. */
    record Input(String partitionKey, String explicitHashKey, byte[] data) {
    }

    private static KinesisProducer producer() {
        return new KinesisProducer(new KinesisProducerConfiguration()
                .setRegion(KinesisMock.REGION)
                .setKinesisEndpoint("localhost")
                .setKinesisPort(kinesis.tlsPort())
                .setVerifyCertificate(false)
                .setCredentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(KinesisMock.ACCESS_KEY_ID, KinesisMock.SECRET_ACCESS_KEY)))
                .setMetricsLevel("none")
                .setLogLevel("warning")
                .setAggregationEnabled(true)
                .setAggregationMaxSize(16 * 1024) // several aggregated records per shard
                .setRecordMaxBufferedTime(100)
                .setMaxConnections(4)
                .setRequestTimeout(30_000));
    }

    private static List<Input> inputs(Random random) {
        List<Input> inputs = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            // hot keys, and keys used once; one record in seven routed by an explicit hash key
            String partitionKey = i % 3 == 0 ? "key-" + UUID.randomUUID() : "key-" + (i % 29);
            String explicitHashKey = i % 7 == 0 ? new BigInteger(128, random).toString() : null;
            byte[] suffix = new byte[random.nextInt(200)];
            random.nextBytes(suffix);
            byte[] prefix = ("kpl-" + i + ":").getBytes(StandardCharsets.US_ASCII);
            byte[] data = Arrays.copyOf(prefix, prefix.length + suffix.length);
            System.arraycopy(suffix, 0, data, prefix.length, suffix.length);
            inputs.add(new Input(partitionKey, explicitHashKey, data));
        }
        return inputs;
    }

    private static int indexOf(byte[] data) {
        String text = new String(data, 0, Math.min(data.length, 12), StandardCharsets.US_ASCII);
        return Integer.parseInt(text.substring(4, text.indexOf(':')));
    }

    @Test
    void ourConsumerUnpacksWhatTheKplAggregatesIntoExactlyTheUserRecordsItWasGiven() throws Exception {
        String stream = "kpl-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 2);
        long seed = Long.getLong("aggregation.seed", System.nanoTime());
        List<Input> inputs = inputs(new Random(seed));

        List<UserRecordResult> results = new ArrayList<>();
        KinesisProducer kpl = producer();
        try {
            List<ListenableFuture<UserRecordResult>> futures = new ArrayList<>();
            // the KPL aggregates once it knows the shard map, about a second after its first record
            futures.add(kpl.addUserRecord(stream, inputs.get(0).partitionKey(), inputs.get(0).explicitHashKey(),
                    ByteBuffer.wrap(inputs.get(0).data())));
            futures.get(0).get(60, TimeUnit.SECONDS);
            Thread.sleep(1_500);
            for (Input input : inputs.subList(1, COUNT)) {
                futures.add(kpl.addUserRecord(stream, input.partitionKey(), input.explicitHashKey(),
                        ByteBuffer.wrap(input.data())));
            }
            kpl.flushSync();
            for (ListenableFuture<UserRecordResult> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
        } finally {
            kpl.destroy();
        }
        assertThat(results).allSatisfy(result -> assertThat(result.isSuccessful()).isTrue());

        // the stream really holds aggregated records
        List<KinesisMock.ShardRecord> stored = kinesis.readAll(stream);
        Set<String> aggregated = stored.stream().filter(record -> Containers.startsWithMagic(record.data()))
                .map(KinesisMock.ShardRecord::sequenceNumber).collect(Collectors.toSet());
        System.out.printf("KplInteropTest: the KPL stored %d user records as %d Kinesis records, %d of them aggregated "
                + "(seed %d)%n", COUNT, stored.size(), aggregated.size(), seed);
        assertThat(stored.size()).isLessThan(COUNT / 5);
        assertThat(aggregated).isNotEmpty();

        try (LogCapture logs = LogCapture.start()) {
            Collector app = runApplication(new MapBasedConfig()
                    .with("mp.messaging.incoming.kpl-in.connector", KinesisConnector.CONNECTOR_NAME)
                    .with("mp.messaging.incoming.kpl-in.stream", stream)
                    .with("mp.messaging.incoming.kpl-in.region", kinesis.region())
                    .with("mp.messaging.incoming.kpl-in.endpoint-override", kinesis.endpoint().toString())
                    .with("mp.messaging.incoming.kpl-in.starting-position", "trim_horizon")
                    // fewer than an aggregated record holds: user records wait for room
                    .with("mp.messaging.incoming.kpl-in.max-pending-records", 50), Collector.class);

            await().atMost(Duration.ofSeconds(60)).until(() -> app.received().size() >= COUNT);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> app.received().size() == COUNT);

            Map<Integer, Integer> times = new HashMap<>();
            Map<String, List<Long>> subSequences = new TreeMap<>();
            for (Received received : app.received()) {
                int index = indexOf(received.data());
                times.merge(index, 1, Integer::sum);
                Input input = inputs.get(index);
                IncomingKinesisMetadata metadata = received.metadata();
                assertThat(received.data()).as("data of user record %d", index).isEqualTo(input.data());
                assertThat(metadata.getPartitionKey()).as("partition key of %d", index).isEqualTo(input.partitionKey());
                // the outer record the KPL reported, and the shard
                assertThat(metadata.getSequenceNumber()).isEqualTo(results.get(index).getSequenceNumber());
                assertThat(metadata.getShardId()).isEqualTo(results.get(index).getShardId());
                if (aggregated.contains(metadata.getSequenceNumber())) {
                    assertThat(metadata.getExplicitHashKey().orElse(null)).as("explicit hash key of %d", index)
                            .isEqualTo(input.explicitHashKey());
                } else {
                    // a plain record: Kinesis does not return its explicit hash key
                    assertThat(metadata.getExplicitHashKey()).isEmpty();
                    assertThat(metadata.getSubSequenceNumber()).isZero();
                }
                subSequences.computeIfAbsent(metadata.getSequenceNumber(), k -> new ArrayList<>())
                        .add(metadata.getSubSequenceNumber());
            }
            assertThat(times).hasSize(COUNT);
            assertThat(times.values()).allMatch(n -> n == 1);
            // every Kinesis record delivered, its user records in order, sub-sequence numbers 0..n-1
            assertThat(subSequences).hasSize(stored.size());
            subSequences.forEach((sequence, subs) -> assertThat(subs).as("record %s", sequence)
                    .containsExactlyElementsOf(IntStream.range(0, subs.size()).mapToObj(i -> (long) i).toList()));
            assertThat(logs.containing("SRKIN12")).as("no warning about aggregated records").isEmpty();
        }
    }

    record Received(byte[] data, IncomingKinesisMetadata metadata) {
    }

    @ApplicationScoped
    public static class Collector {
        private final List<Received> received = new CopyOnWriteArrayList<>();

        List<Received> received() {
            return new ArrayList<>(received);
        }

        @Incoming("kpl-in")
        CompletionStage<Void> consume(Message<byte[]> message) {
            received.add(new Received(message.getPayload(),
                    message.getMetadata(IncomingKinesisMetadata.class).orElseThrow()));
            return message.ack();
        }
    }
}
