package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The consume path through a {@link StubKinesisClient}: GetRecords pages of {@value #PAGE_RECORDS} records of 100
 * bytes → (de-aggregation) → messages on the channel's event loop → ack → the shard's contiguous completed position (what the
 * checkpointer saves every
 * checkpoint-interval). The whole channel runs on its one Vert.x event loop: the stub answers on the calling thread, so
 * every record's work happens on one core; the benchmark thread only waits for the count of acked records.
 * {@code consumer=bare}: the channel's own subscriber acks each message ({@link BareConsumer}), which isolates the
 * connector; {@code consumer=incoming}: an {@code @Incoming} method of an application in a Weld container (SmallRye
 * Reactive Messaging 4.33, its mediator included) acks it ({@link ConsumerApp}); {@code consumer=bare-batch}: as
 * {@code bare} with {@code batch=true}, one message (and one ack) per page, counted by its records.
 * <p>
 * {@code page=plain}: 10,000 plain records per page. {@code page=aggregated}: 10,000 user records per page, packed by
 * the project's aggregation writer into KPL aggregated records of at most 51,200 bytes (about 350 user records each),
 * unpacked by the channel (deaggregation, on by default).
 * <p>
 * {@value #SHARDS} shards, because Kinesis allows a shard 5 GetRecords calls per second and the connector keeps its
 * calls to one shard 200 ms apart: one shard cannot deliver more than 50,000 records/s, 100 shards 5 M. Settings
 * are the defaults except max-pending-records = 20,000, so that GetRecords asks for a full page of 10,000 (the default
 * of 1,000 would ask for 1,000). One operation is one record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ChannelConsumeBenchmark.PAGE_RECORDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChannelConsumeBenchmark {

    static final int PAGE_RECORDS = 10_000;
    static final int RECORD_BYTES = 100;
    static final int SHARDS = 100;

    @Param({ "plain", "aggregated" })
    public String page;

    /**
     * {@code bare}: a subscriber of the channel acks; {@code incoming}: an {@code @Incoming} method in Weld acks;
     * {@code bare-batch}: with {@code batch=true}, a subscriber of the channel acks each batch (a page's records).
     */
    @Param({ "bare", "incoming", "bare-batch" })
    public String consumer;

    private StubKinesisClient client;
    private AutoCloseable app;
    private LongSupplier ackedCount;
    private long target;
    private long started;

    @Setup(Level.Trial)
    public void setUp() {
        BenchLogging.warningsOnly();
        client = new StubKinesisClient(SHARDS, PAGE_RECORDS, RECORD_BYTES);
        if (page.equals("aggregated")) {
            for (Shard shard : client.shards()) {
                client.page(shard.shardId(), AggregatedPages.page(shard, PAGE_RECORDS, RECORD_BYTES));
            }
        }
        Map<String, String> attributes = consumer.equals("bare-batch")
                ? Map.of("stream", "bench", "max-pending-records", "20000", "batch", "true")
                : Map.of("stream", "bench", "max-pending-records", "20000");
        if (consumer.startsWith("bare")) {
            BareConsumer bare = new BareConsumer(client, attributes);
            app = bare;
            ackedCount = bare.acked::sum;
        } else {
            app = new ConsumerApp(client, attributes, payload -> {
            });
            ackedCount = ConsumerApp::received;
        }
        started = ackedCount.getAsLong();
        target = started;
    }

    /** Waits until the channel has delivered and acked one more page's worth of records. */
    @Benchmark
    public long consumePage() {
        target += PAGE_RECORDS;
        long received;
        while ((received = ackedCount.getAsLong()) < target) {
            LockSupport.parkNanos(20_000);
        }
        return received;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        long received = ackedCount.getAsLong() - started;
        long calls = client.getRecordsCalls.sum();
        app.close();
        System.out.printf("%n[%s page=%s consumer=%s] %,d records received and acked, %,d GetRecords calls"
                + " (%,.0f records each)%n", getClass().getSimpleName(), page, consumer, received, calls,
                calls == 0 ? 0.0 : (double) received / calls);
    }
}
