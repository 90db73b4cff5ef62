package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.Kinesalite;

/**
 * End-to-end latency at {@value #RATE} records/s, producer and consumer each in a JVM of their own, on a fresh
 * kinesalite (plain HTTP) and stream of {@value AppRuns#SHARDS} shards: the consumer starts first and says it is
 * ready, then the producer sends for the warm-up and the measured seconds; records sent after the warm-up carry a
 * mark and their send time ({@code Instant.now()}, microseconds since the epoch: one machine, one wall clock).
 * Producer time: send to ack, in the producer. Consumer time: Kinesis's ApproximateArrivalTimestamp (milliseconds)
 * to delivery. Total: the send time in the payload to delivery.
 */
final class AppLatency {

    static final int RATE = 200;
    private static final Duration DRAIN = Duration.ofSeconds(20);

    /**
     * p50/p95/p99 in ms of each part, and how many measured records each side saw; of several rounds, the median of each
     * figure, the records summed, and each round's total p99.
     */
    record Latency(String label, double[] producer, double[] consumer, double[] total, long acked, long received,
            double[] totalP99ByRound) {

        static Latency medianOf(List<Latency> rounds) {
            return new Latency(rounds.get(0).label(), median(rounds, Latency::producer),
                    median(rounds, Latency::consumer), median(rounds, Latency::total),
                    rounds.stream().mapToLong(Latency::acked).sum(), rounds.stream().mapToLong(Latency::received).sum(),
                    rounds.stream().mapToDouble(round -> round.total()[2]).toArray());
        }

        private static double[] median(List<Latency> rounds, Function<Latency, double[]> part) {
            double[] medians = new double[3];
            for (int i = 0; i < medians.length; i++) {
                int percentile = i;
                medians[i] = AppBench.median(rounds.stream().mapToDouble(round -> part.apply(round)[percentile]).toArray());
            }
            return medians;
        }
    }

    private final int warmUpSeconds;
    private final int seconds;

    AppLatency(int warmUpSeconds, int seconds) {
        this.warmUpSeconds = warmUpSeconds;
        this.seconds = seconds;
    }

    /** Ours to ours: the benchmark application as producer (this buffer-time, or the default) and as consumer. */
    Latency ours(String bufferTime) {
        try (Kinesalite kinesalite = new Kinesalite(false)) {
            kinesalite.start();
            String stream = AppRuns.stream(kinesalite, "latency");
            Map<String, String> producer = ourProducer(kinesalite, stream, bufferTime);
            String label = "smallrye-kinesis → smallrye-kinesis, producer buffer-time "
                    + (bufferTime == null ? "500ms (default)" : bufferTime);
            return measure(label, ChildJvm.app("latency-consumer", ourConsumer(kinesalite, stream)),
                    () -> ChildJvm.app("latency-producer", producer));
        }
    }

    /**
     * The KCL on our producer (this buffer-time): with {@link #ours(String)} at the same buffer-time, the consumers
     * compare on the same producer, as {@link #sdkToOurs()} and {@link #kcl(Long)} compare them on the SDK's.
     */
    Latency oursToKcl(String bufferTime, long idleMillis) {
        try (Kinesalite kinesalite = new Kinesalite(false); Dynalite dynalite = new Dynalite()) {
            kinesalite.start();
            dynalite.start();
            String stream = AppRuns.stream(kinesalite, "latency-ours-kcl");
            Map<String, String> producer = ourProducer(kinesalite, stream, bufferTime);
            return measure("smallrye-kinesis (buffer-time " + bufferTime + ") → KCL 3.1.1, idle time between reads "
                    + idleMillis + " ms",
                    ChildJvm.reference("latency-kcl-ours", kclConsumer(kinesalite, dynalite,
                            stream, idleMillis)),
                    () -> ChildJvm.app("latency-producer-kcl", producer));
        }
    }

    /**
     * Our consumer on the KCL's feeder: the SDK PutRecord producer of {@link #kcl(Long)} (same rate, warm-up and measured
     * seconds) into the benchmark application at defaults, so that consumers compare on the same producer.
     */
    Latency sdkToOurs() {
        try (Kinesalite kinesalite = new Kinesalite(false)) {
            kinesalite.start();
            String stream = AppRuns.stream(kinesalite, "latency-sdk-ours");
            Map<String, String> producer = sdkProducer(kinesalite, stream);
            return measure("SDK PutRecord → smallrye-kinesis @Incoming (defaults)",
                    ChildJvm.app("latency-ours-consumer", ourConsumer(kinesalite, stream)),
                    () -> ChildJvm.reference("latency-sdk-producer-ours", producer));
        }
    }

    /** The reference: an SDK PutRecord producer at the same rate, the KCL 3.1.1 consumer (this idle time, or its default). */
    Latency kcl(Long idleMillis) {
        try (Kinesalite kinesalite = new Kinesalite(false); Dynalite dynalite = new Dynalite()) {
            kinesalite.start();
            dynalite.start();
            String stream = AppRuns.stream(kinesalite, "latency-kcl");
            Map<String, String> producer = sdkProducer(kinesalite, stream);
            String label = "SDK PutRecord → KCL 3.1.1, idle time between reads "
                    + (idleMillis == null ? KclConsumer.DEFAULT_IDLE_MILLIS + " ms (default)" : idleMillis + " ms");
            return measure(label, ChildJvm.reference("latency-kcl", kclConsumer(kinesalite, dynalite, stream,
                    idleMillis)), () -> ChildJvm.reference("latency-sdk-producer", producer));
        }
    }

    private static Map<String, String> kclConsumer(Kinesalite kinesalite, Dynalite dynalite, String stream,
            Long idleMillis) {
        Map<String, String> consumer = new HashMap<>(Map.of("bench.mode", "kcl", "bench.stream", stream,
                "bench.endpoint", kinesalite.endpoint().toString(), "bench.dynamo", dynalite.endpoint().toString()));
        if (idleMillis != null) {
            consumer.put("bench.idle-millis", String.valueOf(idleMillis));
        }
        return consumer;
    }

    private Map<String, String> ourProducer(Kinesalite kinesalite, String stream, String bufferTime) {
        Map<String, String> producer = AppRuns.appProperties(kinesalite.endpoint(), stream);
        producer.put("bench.mode", "produce");
        producer.put("mp.messaging.incoming.in.enabled", "false");
        if (bufferTime != null) {
            producer.put("mp.messaging.outgoing.out.buffer-time", bufferTime);
        }
        rate(producer);
        return producer;
    }

    private static Map<String, String> ourConsumer(Kinesalite kinesalite, String stream) {
        Map<String, String> consumer = AppRuns.appProperties(kinesalite.endpoint(), stream);
        consumer.put("bench.mode", "consume");
        consumer.put("mp.messaging.outgoing.out.enabled", "false");
        return consumer;
    }

    private Map<String, String> sdkProducer(Kinesalite kinesalite, String stream) {
        Map<String, String> producer = new HashMap<>(Map.of("bench.mode", "sdk-rate", "bench.stream", stream,
                "bench.endpoint", kinesalite.endpoint().toString()));
        rate(producer);
        return producer;
    }

    private void rate(Map<String, String> producer) {
        producer.put("bench.rate", String.valueOf(RATE));
        producer.put("bench.warmup-seconds", String.valueOf(warmUpSeconds));
        producer.put("bench.max-seconds", String.valueOf(seconds));
    }

    private static Latency measure(String label, ChildJvm consumer, java.util.function.Supplier<ChildJvm> producers) {
        try (consumer) {
            consumer.await("READY", Duration.ofMinutes(2));
            Map<String, String> sent;
            try (ChildJvm producer = producers.get()) {
                producer.await("START", Duration.ofMinutes(2));
                sent = producer.await("END", AppRuns.RUN_TIMEOUT);
                producer.exit();
            }
            long measuredAcked = AppRuns.longOf(sent, "measured_acked");
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (AppRuns.longOf(consumer.progress(), "measured") < measuredAcked
                    && System.nanoTime() - deadline < 0) {
                sleep(200);
            }
            consumer.command("report");
            Map<String, String> received = consumer.await("END", Duration.ofSeconds(30));
            consumer.exit();
            double[] total = percentiles(received, "total_");
            Latency latency = new Latency(label, percentiles(sent, "ack_"), percentiles(received, "consumer_"), total,
                    measuredAcked, AppRuns.longOf(received, "measured"), new double[] { total[2] });
            System.out.printf("%n>>> app | %s: producer %s, consumer %s, total %s ms (%d acked, %d received)%n%n",
                    label, java.util.Arrays.toString(latency.producer()), java.util.Arrays.toString(latency.consumer()),
                    java.util.Arrays.toString(latency.total()), latency.acked(), latency.received());
            return latency;
        }
    }

    private static double[] percentiles(Map<String, String> fields, String prefix) {
        return new double[] { Double.parseDouble(fields.getOrDefault(prefix + "p50", "-1")),
                Double.parseDouble(fields.getOrDefault(prefix + "p95", "-1")),
                Double.parseDouble(fields.getOrDefault(prefix + "p99", "-1")) };
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
