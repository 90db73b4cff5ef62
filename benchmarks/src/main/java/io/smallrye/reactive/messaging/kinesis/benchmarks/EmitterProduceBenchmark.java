package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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

/**
 * The produce path as an application sees it: {@code Emitter.send(Message)} in a Weld container with SmallRye
 * Reactive Messaging, through the connector (default settings but the stream and aggregation) to a
 * {@link StubKinesisClient}, to the message's ack. One operation is one message sent; the channel's buffer bound makes
 * sends wait for acks, so in steady state sends per second = acks per second. Each operation builds its message, as an
 * application would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EmitterProduceBenchmark {

    @Param({ "false", "true" })
    public boolean aggregation;

    private StubKinesisClient client;
    private WeldApp app;
    private byte[] payload;
    private long sent;

    @Setup(Level.Trial)
    public void setUp() {
        BenchLogging.warningsOnly();
        client = new StubKinesisClient(ChannelProduceBenchmark.SHARDS, 1, ChannelProduceBenchmark.RECORD_BYTES);
        app = new WeldApp(client, Map.of("stream", "bench", "aggregation", String.valueOf(aggregation)));
        payload = new byte[ChannelProduceBenchmark.RECORD_BYTES];
        ThreadLocalRandom.current().nextBytes(payload);
    }

    @Benchmark
    public void send() {
        app.send(payload);
        sent++;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        app.close();
        long calls = client.putRecordsCalls.sum();
        System.out.printf("%n[%s aggregation=%s] sent %,d, acked %,d, nacked %,d; %,d PutRecords calls, %,.1f entries"
                + " and %,.1f messages per call; sender waited for demand %,d times%n", getClass().getSimpleName(),
                aggregation, sent, app.acked.sum(), app.nacked.sum(), calls,
                calls == 0 ? 0.0 : (double) client.putRecordsEntries.sum() / calls,
                calls == 0 ? 0.0 : (double) app.acked.sum() / calls, app.waits);
    }
}
