package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.smallrye.reactive.messaging.kinesis.outgoing.KinesisOutboundChannel;
import io.vertx.core.Vertx;

/**
 * The produce path of the bare outgoing channel, through a {@link StubKinesisClient}: message handed to the channel
 * (validation, partition key, size), batching (and aggregation), PutRecords request built, answer read, message acked.
 * One operation is one message sent; the channel's buffer bounds (max-buffered-records) make sends wait for acks, so
 * in steady state messages sent per second = messages acked per second.
 * <p>
 * This is how the connector runs: the sending thread validates each message and hands it over to the channel's Vert.x
 * context, which batches, sends (the stub answers at once) and acks. Two threads: the sender and the context's event
 * loop. (Before the channel had a context, this row was {@code scheduler=thread}: the connector's scheduler thread
 * did the context's part; the {@code scheduler=inline} rows, everything on the sending thread, have no counterpart.)
 * <p>
 * The messages are built once and sent again and again (their ack only counts), so allocation per operation is the
 * connector's own (plus the stub's few objects per request).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChannelProduceBenchmark {

    static final int RECORD_BYTES = 100;
    static final int SHARDS = 4;
    private static final int MESSAGES = 1 << 15;

    @Param({ "false", "true" })
    public boolean aggregation;

    private Vertx vertx;
    private StubKinesisClient client;
    private KinesisOutboundChannel channel;
    private DemandPublisher publisher;
    private final LongAdder acked = new LongAdder();
    private final LongAdder nacked = new LongAdder();
    private Message<?>[] messages;
    private int next;
    private long sent;

    @Setup(Level.Trial)
    public void setUp() {
        BenchLogging.warningsOnly();
        client = new StubKinesisClient(SHARDS, 1, RECORD_BYTES);
        vertx = Vertx.vertx();
        channel = new KinesisOutboundChannel(ChannelSettings.outgoing("bench",
                Map.of("stream", "bench", "aggregation", String.valueOf(aggregation))), client, vertx);
        publisher = new DemandPublisher();
        publisher.subscribe(channel);
        messages = new Message<?>[MESSAGES];
        for (int i = 0; i < MESSAGES; i++) {
            byte[] payload = new byte[RECORD_BYTES];
            ThreadLocalRandom.current().nextBytes(payload);
            messages[i] = Message.of(payload, Metadata.empty(), () -> {
                acked.increment();
                return CompletableFuture.completedFuture(null);
            }, reason -> {
                nacked.increment();
                return CompletableFuture.completedFuture(null);
            });
        }
        // the stub answers ListShards at once: the first batch already aggregates
    }

    @Benchmark
    public void send() {
        publisher.emit(messages[next]);
        next = (next + 1) & (MESSAGES - 1);
        sent++;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        long calls = client.putRecordsCalls.sum();
        System.out.printf("%n[%s aggregation=%s] sent %,d, acked %,d, nacked %,d; %,d PutRecords calls,"
                + " %,.1f entries and %,.1f messages per call; sender waited for demand %,d times%n",
                getClass().getSimpleName(), aggregation, sent, acked.sum(), nacked.sum(), calls,
                calls == 0 ? 0.0 : (double) client.putRecordsEntries.sum() / calls,
                calls == 0 ? 0.0 : (double) acked.sum() / calls, publisher.waits);
    }
}
