package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.reactive.messaging.kinesis.test.Kinesalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * One producer run of the app part: a fresh kinesalite (plain HTTP; HTTPS for the KPL, which speaks nothing else) and
 * a fresh stream of {@value #SHARDS} shards, the producer in a JVM of its own, its CPU time between its
 * {@code BENCH START} and {@code BENCH ACKED} lines (the last ack, before it computes its figures), then the stream read back
 * to count the Kinesis records it holds.
 */
final class AppRuns {

    static final int SHARDS = 4;
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final AtomicInteger RUNS = new AtomicInteger();
    /** HotSpot's thread names, as /proc keeps them (15 characters). */
    private static final String[] JIT_THREADS = { "C1 CompilerThre", "C2 CompilerThre" };
    private static final String[] GC_THREADS = { "GC Thread", "G1 " };

    /** One producer run's figures. */
    record Producing(String client, long sent, long acked, long nacked, double seconds, double cpuSeconds,
            double jitSeconds, double gcSeconds, long kinesisRecords, String failure) {

        double perSecond() {
            return seconds == 0 ? 0 : acked / seconds;
        }

        double cpuMillisPer1k() {
            return acked == 0 ? 0 : cpuSeconds * 1e6 / acked;
        }

        double jitMillisPer1k() {
            return acked == 0 ? 0 : jitSeconds * 1e6 / acked;
        }

        double gcMillisPer1k() {
            return acked == 0 ? 0 : gcSeconds * 1e6 / acked;
        }

        /** CPU of everything but the JIT compiler and GC threads: the work per record once warm. */
        double restMillisPer1k() {
            return cpuMillisPer1k() - jitMillisPer1k() - gcMillisPer1k();
        }

        double kinesisPer1k() {
            return acked == 0 ? 0 : kinesisRecords * 1000.0 / acked;
        }
    }

    private AppRuns() {
    }

    /** The benchmark application's producer: defaults but these channel attributes of {@code out}. */
    static Producing ours(String label, int records, int keys, Map<String, String> attributes, int maxSeconds) {
        try (Kinesalite kinesalite = new Kinesalite(false)) {
            kinesalite.start();
            String stream = stream(kinesalite, "ours");
            Map<String, String> properties = appProperties(kinesalite.endpoint(), stream);
            properties.put("bench.mode", "produce");
            properties.put("bench.records", String.valueOf(records));
            properties.put("bench.keys", String.valueOf(keys));
            properties.put("bench.max-seconds", String.valueOf(maxSeconds));
            properties.put("mp.messaging.incoming.in.enabled", "false");
            attributes.forEach((name, value) -> properties.put("mp.messaging.outgoing.out." + name, value));
            return produce(label, ChildJvm.app("producer-" + RUNS.incrementAndGet(), properties), kinesalite,
                    stream);
        }
    }

    static Producing kpl(int records, int keys) {
        try (Kinesalite kinesalite = new Kinesalite(true)) {
            kinesalite.start();
            String stream = stream(kinesalite, "kpl");
            Map<String, String> properties = new HashMap<>(Map.of("bench.mode", "kpl", "bench.stream", stream,
                    "bench.tls-port", String.valueOf(kinesalite.port()), "bench.records", String.valueOf(records),
                    "bench.keys", String.valueOf(keys)));
            return produce("KPL 1.1.1", ChildJvm.reference("kpl-" + RUNS.incrementAndGet(), properties), kinesalite,
                    stream);
        }
    }

    static Producing sdk(int records, int keys) {
        try (Kinesalite kinesalite = new Kinesalite(false)) {
            kinesalite.start();
            String stream = stream(kinesalite, "sdk");
            Map<String, String> properties = new HashMap<>(Map.of("bench.mode", "sdk", "bench.stream", stream,
                    "bench.endpoint", kinesalite.endpoint().toString(), "bench.records", String.valueOf(records),
                    "bench.keys", String.valueOf(keys)));
            return produce("SDK PutRecords loop", ChildJvm.reference("sdk-" + RUNS.incrementAndGet(), properties),
                    kinesalite, stream);
        }
    }

    private static Producing produce(String label, ChildJvm child, Kinesalite kinesalite, String stream) {
        try (child) {
            child.await("START", Duration.ofMinutes(2));
            double cpuBefore = child.cpuSeconds();
            double jitBefore = child.threadCpuSeconds(JIT_THREADS);
            double gcBefore = child.threadCpuSeconds(GC_THREADS);
            ThreadCpu threadsBefore = child.threads();
            child.await("ACKED", RUN_TIMEOUT);
            ThreadCpu threadsAfter = child.threads();
            double cpu = child.cpuSeconds() - cpuBefore;
            double jit = child.threadCpuSeconds(JIT_THREADS) - jitBefore;
            double gc = child.threadCpuSeconds(GC_THREADS) - gcBefore;
            child.command("measured"); // the KPL shuts its daemon down only now
            Map<String, String> end = child.await("END", Duration.ofMinutes(1));
            child.exit();
            Producing result = new Producing(label, longOf(end, "sent"), longOf(end, "acked"), longOf(end, "nacked"),
                    Double.parseDouble(end.get("seconds")), cpu, jit, gc, count(kinesalite.client(), stream),
                    end.getOrDefault("failure", "none"));
            System.out.printf("%n>>> app | %s: %s%n>>> app | %s, the JVM's threads: %s%n%n", label, result, label,
                    threadsAfter.since(threadsBefore, result.acked()));
            return result;
        }
    }

    /** The system properties that point the benchmark application at an emulator and a stream. */
    static Map<String, String> appProperties(URI endpoint, String stream) {
        Map<String, String> properties = new HashMap<>();
        properties.put("quarkus.messaging.kinesis.endpoint-override", endpoint.toString());
        properties.put("quarkus.messaging.kinesis.region", KinesisMock.REGION);
        properties.put("quarkus.messaging.kinesis.credentials.type", "static");
        properties.put("quarkus.messaging.kinesis.credentials.access-key-id", KinesisMock.ACCESS_KEY_ID);
        properties.put("quarkus.messaging.kinesis.credentials.secret-access-key", KinesisMock.SECRET_ACCESS_KEY);
        properties.put("mp.messaging.outgoing.out.stream", stream);
        properties.put("mp.messaging.incoming.in.stream", stream);
        return properties;
    }

    static String stream(Kinesalite kinesalite, String client) {
        String stream = "app-" + client + "-" + RUNS.incrementAndGet();
        kinesalite.createStream(stream, SHARDS);
        return stream;
    }

    static long longOf(Map<String, String> fields, String name) {
        return Long.parseLong(fields.getOrDefault(name, "-1"));
    }

    /** The Kinesis records in the stream (aggregated records count as one), read from every shard's start. */
    static long count(KinesisAsyncClient client, String stream) {
        long count = 0;
        List<Shard> shards = new ArrayList<>(client.listShards(request -> request.streamName(stream)).join().shards());
        for (Shard shard : shards) {
            String iterator = client.getShardIterator(request -> request.streamName(stream)
                    .shardId(shard.shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join()
                    .shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse page = client.getRecords(request -> request.shardIterator(current).limit(10_000))
                        .join();
                if (page.records().isEmpty()) {
                    break;
                }
                count += page.records().size();
                iterator = page.nextShardIterator();
            }
        }
        return count;
    }
}
