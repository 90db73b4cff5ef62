package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.quarkiverse.messaging.kinesis.benchmark.app.Payload;
import io.quarkiverse.messaging.kinesis.benchmark.app.Percentiles;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.InitialPositionInStream;

/**
 * The reference clients of the app part, each in a JVM of its own ({@link ChildJvm}), with the same protocol as the
 * benchmark application (BENCH lines on stdout, words on stdin). {@code bench.mode}:
 * <ul>
 * <li>{@code kpl}: the KPL 1.1.1 ({@link KplProducer}) sends {@code bench.records} records with {@code bench.keys}
 * keys;</li>
 * <li>{@code sdk}: a plain SDK PutRecords loop ({@link SdkProducer}), 500 records per request, 5 requests in
 * flight;</li>
 * <li>{@code sdk-rate}: PutRecord calls at {@code bench.rate} records/s for {@code bench.warmup-seconds} +
 * {@code bench.max-seconds} (the load of the KCL's latency row);</li>
 * <li>{@code kcl}: the KCL 3.1.1 ({@link KclConsumer}), leases in the dynalite at {@code bench.dynamo}, from
 * {@code bench.position} (LATEST or TRIM_HORIZON), {@code bench.idle-millis} between reads of a caught-up shard
 * (the KCL's default when unset).</li>
 * </ul>
 * Kinesis is at {@code bench.endpoint} (plain HTTP) or, for the KPL, {@code localhost:bench.tls-port}; the stream is
 * {@code bench.stream}.
 */
public final class ReferenceClient {

    private ReferenceClient() {
    }

    public static void main(String[] args) throws Exception {
        BenchLogging.warningsOnly();
        String mode = System.getProperty("bench.mode");
        String stream = System.getProperty("bench.stream");
        int records = Integer.getInteger("bench.records", 300_000);
        int keys = Integer.getInteger("bench.keys", 1000);
        switch (mode) {
            case "kpl" -> {
                line("START");
                // the daemon lives until the harness has read the CPU time: once it exits, its time is no longer in /proc
                line("END " + KplProducer.send(Integer.getInteger("bench.tls-port"), stream, records, keys, () -> {
                    line("ACKED");
                    awaitMeasured();
                }));
                awaitCommand("exit");
            }
            case "sdk" -> {
                try (KinesisAsyncClient client = client()) {
                    line("START");
                    line("END " + SdkProducer.send(client, stream, records, keys, () -> line("ACKED")));
                    awaitCommand("exit");
                }
            }
            case "sdk-rate" -> {
                try (KinesisAsyncClient client = client()) {
                    line("START");
                    line("END " + atRate(client, stream, Integer.getInteger("bench.rate"),
                            Integer.getInteger("bench.warmup-seconds"), Integer.getInteger("bench.max-seconds")));
                    awaitCommand("exit");
                }
            }
            case "kcl" -> kcl(stream);
            default -> throw new IllegalArgumentException("bench.mode is kpl, sdk, sdk-rate or kcl, not " + mode);
        }
        System.exit(0);
    }

    static KinesisAsyncClient client() {
        return KinesisAsyncClient.builder()
                .endpointOverride(URI.create(System.getProperty("bench.endpoint")))
                .region(Region.of(KinesisMock.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(KinesisMock.ACCESS_KEY_ID, KinesisMock.SECRET_ACCESS_KEY)))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).maxConcurrency(50))
                .build();
    }

    /** PutRecord per record at a fixed rate, random keys, send-to-answer times of the measured records. */
    private static String atRate(KinesisAsyncClient client, String stream, int rate, int warmUpSeconds,
            int seconds) {
        Percentiles sendToAck = new Percentiles(rate * (seconds + 1));
        LongAdder acked = new LongAdder();
        LongAdder failed = new LongAdder();
        long start = System.nanoTime();
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long measuredFrom = start + TimeUnit.SECONDS.toNanos(warmUpSeconds);
        long end = measuredFrom + TimeUnit.SECONDS.toNanos(seconds);
        long sent = 0;
        for (long i = 0;; i++) {
            long due = start + i * period;
            if (due - end >= 0) {
                break;
            }
            LockSupport.parkNanos(due - System.nanoTime());
            long sentNanos = System.nanoTime();
            boolean measured = due - measuredFrom >= 0;
            byte[] data = Payload.create(Payload.nowMicros(), measured);
            sent++;
            client.putRecord(request -> request.streamName(stream).partitionKey(EndToEnd.randomKey())
                    .data(software.amazon.awssdk.core.SdkBytes.fromByteArrayUnsafe(data)))
                    .whenComplete((response, failure) -> {
                        if (failure != null) {
                            failed.increment();
                            return;
                        }
                        if (measured) {
                            sendToAck.add((System.nanoTime() - sentNanos) / 1000);
                        }
                        acked.increment();
                    });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acked.sum() + failed.sum() < sent && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(1_000_000);
        }
        return String.format(Locale.ROOT, "sent=%d acked=%d nacked=%d seconds=%.3f measured_acked=%d %s", sent,
                acked.sum(), failed.sum(), (System.nanoTime() - start) / 1e9, sendToAck.count(),
                sendToAck.summary("ack_"));
    }

    private static void kcl(String stream) throws IOException {
        AtomicLong received = new AtomicLong();
        AtomicLong measured = new AtomicLong();
        Percentiles consumerTime = new Percentiles(1_000_000);
        Percentiles total = new Percentiles(1_000_000);
        String idle = System.getProperty("bench.idle-millis");
        InitialPositionInStream position = InitialPositionInStream.valueOf(System.getProperty("bench.position",
                "LATEST"));
        try (KinesisAsyncClient kinesis = client();
                KclConsumer kcl = new KclConsumer(kinesis, URI.create(System.getProperty("bench.dynamo")), stream,
                        idle == null ? null : Long.valueOf(idle), false, position, record -> {
                            long nowMicros = Payload.nowMicros();
                            if (received.getAndIncrement() == 0) {
                                line("FIRST uptime_ms=" + ManagementFactory.getRuntimeMXBean().getUptime());
                            }
                            byte[] data = new byte[record.data().remaining()];
                            record.data().duplicate().get(data);
                            if (Payload.measured(data)) {
                                measured.incrementAndGet();
                                total.add(Math.max(0, nowMicros - Payload.sentMicros(data)));
                                long arrival = TimeUnit.MILLISECONDS.toMicros(
                                        record.approximateArrivalTimestamp().toEpochMilli());
                                consumerTime.add(Math.max(0, nowMicros - arrival));
                            }
                        })) {
            Thread progress = new Thread(() -> {
                boolean ready = false;
                while (true) {
                    if (!ready && kcl.initializedShards() >= Integer.getInteger("bench.shards", 4)) {
                        ready = true;
                        line("READY");
                    }
                    line("PROGRESS received=" + received.get() + " measured=" + measured.get());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                }
            }, "bench-progress");
            progress.setDaemon(true);
            progress.start();
            awaitCommand("report");
            line("END received=" + received.get() + " measured=" + measured.get() + " "
                    + consumerTime.summary("consumer_") + " " + total.summary("total_"));
            awaitCommand("exit");
        }
    }

    static void line(String text) {
        System.out.println("BENCH " + text);
        System.out.flush();
    }

    private static void awaitMeasured() {
        try {
            awaitCommand("measured");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitCommand(String word) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.trim().equals(word)) {
                return;
            }
        }
    }
}
