package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.aggregation.Deaggregated;
import io.smallrye.reactive.messaging.kinesis.aggregation.Deaggregator;
import io.smallrye.reactive.messaging.kinesis.aggregation.ShardMap;
import io.smallrye.reactive.messaging.kinesis.aggregation.SubRecord;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisServiceClientConfiguration;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A measurement, not a test of the suite (its name does not end in Test; run it with
 * {@code -Dtest=AggregationDensityHarness}): 300k messages of 100 B, emitted as fast as the channel asks for them or
 * at a steady rate,
 * go through an outgoing channel at its defaults with aggregation on to a simulated Kinesis of 4 shards that answers
 * each PutRecords after a latency on a Vert.x timer (a base plus a transfer time per byte, roughly kinesalite's).
 * Prints user records, Kinesis records (entries), requests and user records per aggregated record, per key count and
 * ordering mode. It asserts only that every message was acked once and, unless ordering is none, that each key's
 * records were written in emission order.
 */
class AggregationDensityHarness {

    private static final int MESSAGES = Integer.getInteger("density.messages", 300_000);
    private static final int SHARDS = 4;
    private static final int PAYLOAD_BYTES = 100;
    private static final long BASE_LATENCY_MILLIS = Long.getLong("density.latency-ms", 10);
    /** Transfer time: 1 ms per 50 kB. */
    private static final long BYTES_PER_MILLI = 50_000;

    /**
     * @param rate messages emitted per second (in bursts each millisecond), 0: as fast as the channel asks for them
     */
    @ParameterizedTest(name = "keys={0}, ordering={1}, rate={2}")
    @CsvSource({ "1000,strict,0", "1000,relaxed,0", "1000,none,0",
            "10,strict,0", "10,relaxed,0", "10,none,0",
            "1,strict,0", "1,relaxed,0", "1,none,0",
            "1000,strict,50000", "1000,relaxed,50000", "1000,none,50000",
            "10,strict,50000", "10,relaxed,50000", "10,none,50000",
            "1,strict,50000", "1,relaxed,50000", "1,none,50000" })
    void densityOfAggregatedRecords(int keys, String ordering, int rate) throws InterruptedException {
        Vertx vertx = Vertx.vertx();
        Vertx server = Vertx.vertx();
        try {
            SimulatedKinesis kinesis = new SimulatedKinesis(server.getOrCreateContext(),
                    FakeKinesisClient.evenShards(SHARDS, 0), ordering.equals("none") ? 0 : keys);
            OutgoingSettings settings = OutgoingSettings.from(ChannelHarness.configuration("density", Map.of(
                    "stream", "density", "ordering", ordering, "aggregation", "true")));
            KinesisOutboundChannel channel = new KinesisOutboundChannel(settings, kinesis, vertx, KinesisMetrics.NONE);
            CountDownLatch acked = new CountDownLatch(MESSAGES);
            AtomicInteger nacked = new AtomicInteger();
            UnicastProcessor<Message<?>> source = UnicastProcessor.create();
            long start = System.nanoTime();
            source.subscribe(channel);
            for (int i = 0; i < MESSAGES; i++) {
                if (rate > 0 && i % Math.max(1, rate / 1000) == 0) {
                    pace(start, i, rate);
                }
                int key = i % keys;
                source.onNext(Message.of(payload(key, i), Metadata.of(
                        OutgoingKinesisMetadata.builder().partitionKey("key-" + key).build()), () -> {
                            acked.countDown();
                            return CompletableFuture.completedFuture(null);
                        }, reason -> {
                            nacked.incrementAndGet();
                            return CompletableFuture.completedFuture(null);
                        }));
            }
            assertThat(acked.await(2, TimeUnit.MINUTES)).as("all acked").isTrue();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            channel.close();
            assertThat(nacked.get()).isZero();
            assertThat(kinesis.outOfOrder).as("records written out of their key's order").isZero();
            assertThat(kinesis.userRecords).isEqualTo(MESSAGES);
            System.out.printf("DENSITY keys=%-4d ordering=%-7s rate=%-5d: %d user records, %5d Kinesis records (%d aggregated, "
                    + "%.1f user records each, median %d), %4d requests, %.0f entries per request, %d ms%n",
                    keys, ordering, rate, kinesis.userRecords, kinesis.entries, kinesis.containers.size(),
                    kinesis.containerRecords() / (double) Math.max(1, kinesis.containers.size()),
                    kinesis.medianContainer(), kinesis.requests, kinesis.entries / (double) kinesis.requests, millis);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
            server.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    /** Waits until message {@code index} is due at that rate. */
    private static void pace(long startNanos, int index, int rate) throws InterruptedException {
        long dueNanos = startNanos + index * 1_000_000_000L / rate;
        long ahead = dueNanos - System.nanoTime();
        if (ahead > 0) {
            TimeUnit.NANOSECONDS.sleep(ahead);
        }
    }

    /** "key/index", padded to 100 bytes. */
    private static String payload(int key, int index) {
        StringBuilder data = new StringBuilder(PAYLOAD_BYTES).append(key).append('/').append(index).append('/');
        while (data.length() < PAYLOAD_BYTES) {
            data.append('.');
        }
        return data.toString();
    }

    /**
     * Answers PutRecords after the simulated latency, on its own Vert.x context (all its counts are touched there
     * only), and ListShards at once. Checks, per key, that records are written in emission order.
     */
    private static final class SimulatedKinesis implements KinesisAsyncClient {
        private final Context context;
        private final List<Shard> shards;
        private final ShardMap shardMap;
        private final int[] lastIndexOfKey;
        final List<Integer> containers = new ArrayList<>();
        final Map<String, Long> sequenceOfShard = new HashMap<>();
        long requests;
        long entries;
        long userRecords;
        long outOfOrder;

        SimulatedKinesis(Context context, List<Shard> shards, int orderedKeys) {
            this.context = context;
            this.shards = shards;
            this.shardMap = ShardMap.fromShards(shards);
            this.lastIndexOfKey = new int[orderedKeys];
            java.util.Arrays.fill(lastIndexOfKey, -1);
        }

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            CompletableFuture<PutRecordsResponse> answer = new CompletableFuture<>();
            long bytes = 0;
            for (PutRecordsRequestEntry entry : request.records()) {
                bytes += entry.data().asByteArrayUnsafe().length;
            }
            long latency = BASE_LATENCY_MILLIS + bytes / BYTES_PER_MILLI;
            context.runOnContext(ignored -> context.owner().setTimer(latency, id -> answer.complete(write(request))));
            return answer;
        }

        private PutRecordsResponse write(PutRecordsRequest request) {
            requests++;
            List<PutRecordsResultEntry> results = new ArrayList<>();
            for (PutRecordsRequestEntry entry : request.records()) {
                entries++;
                Deaggregated unpacked = Deaggregator.deaggregate(entry.data());
                if (unpacked.aggregated()) {
                    containers.add(unpacked.records().size());
                    for (SubRecord sub : unpacked.records()) {
                        written(new String(sub.dataAsBytes(), StandardCharsets.UTF_8));
                    }
                } else {
                    written(entry.data().asUtf8String());
                }
                String shard = shardMap.shardFor(entry.partitionKey(), entry.explicitHashKey());
                long sequence = sequenceOfShard.merge(shard, 1L, Long::sum);
                results.add(PutRecordsResultEntry.builder().shardId(shard)
                        .sequenceNumber(String.valueOf(49_000_000_000L + sequence)).build());
            }
            return PutRecordsResponse.builder().records(results).failedRecordCount(0).build();
        }

        private void written(String data) {
            userRecords++;
            if (lastIndexOfKey.length == 0) {
                return;
            }
            String[] parts = data.split("/", 3);
            int key = Integer.parseInt(parts[0]);
            int index = Integer.parseInt(parts[1]);
            if (index < lastIndexOfKey[key]) {
                outOfOrder++;
            }
            lastIndexOfKey[key] = index;
        }

        long containerRecords() {
            return containers.stream().mapToLong(Integer::longValue).sum();
        }

        int medianContainer() {
            if (containers.isEmpty()) {
                return 0;
            }
            List<Integer> sorted = new ArrayList<>(containers);
            sorted.sort(null);
            return sorted.get(sorted.size() / 2);
        }

        @Override
        public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
            return CompletableFuture.completedFuture(ListShardsResponse.builder().shards(shards).build());
        }

        @Override
        public KinesisServiceClientConfiguration serviceClientConfiguration() {
            return KinesisServiceClientConfiguration.builder()
                    .region(software.amazon.awssdk.regions.Region.US_EAST_1).build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }
}
