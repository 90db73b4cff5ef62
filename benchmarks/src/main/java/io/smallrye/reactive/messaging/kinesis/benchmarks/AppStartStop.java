package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.Kinesalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The app part's start and stop rows: the flush of buffered messages at SIGTERM (kinesis-mock, as
 * {@code ShutdownFlushIT}), and the JVM uptime at the first record delivered when records already wait in the stream
 * (ours and the KCL).
 */
final class AppStartStop {

    static final int FLUSH_MESSAGES = 300;
    static final int FLUSH_KEYS = 50;
    static final int WAITING_RECORDS = 1000;

    /** SIGTERM to exit (null: killed after 60 s), acks the application saw, records in the stream. */
    record Flush(Duration exit, long acked, long nacked, long inStream, long beforeSigterm) {
    }

    private AppStartStop() {
    }

    /**
     * The benchmark application sends {@value #FLUSH_MESSAGES} messages over {@value #FLUSH_KEYS} keys with a buffer
     * time of 60 s (nothing is due before SIGTERM: fewer than a request's worth), then gets SIGTERM.
     */
    static Flush flush() {
        try (KinesisMock mock = new KinesisMock()) {
            mock.start();
            mock.createStream("flush", AppRuns.SHARDS);
            Map<String, String> properties = AppRuns.appProperties(mock.endpoint(), "flush");
            properties.put("bench.mode", "hold");
            properties.put("bench.records", String.valueOf(FLUSH_MESSAGES));
            properties.put("bench.keys", String.valueOf(FLUSH_KEYS));
            properties.put("mp.messaging.incoming.in.enabled", "false");
            properties.put("mp.messaging.outgoing.out.buffer-time", "60s");
            properties.put("mp.messaging.outgoing.out.shutdown-timeout", "30s");
            try (ChildJvm app = ChildJvm.app("flush", properties)) {
                app.await("SENT", Duration.ofMinutes(2));
                // what is not buffered leaves now (nothing should): let it land before counting
                AppLatency.sleep(2000);
                long before = mock.readAll("flush").size();
                Duration exit = app.terminate(Duration.ofSeconds(60));
                Map<String, String> settled = Map.of();
                try {
                    settled = app.await("SETTLED", Duration.ofSeconds(2));
                } catch (IllegalStateException notAllSettled) {
                    // reported as acked -1
                }
                Flush flush = new Flush(exit, AppRuns.longOf(settled, "acked"), AppRuns.longOf(settled, "nacked"),
                        mock.readAll("flush").size(), before);
                System.out.printf("%n>>> app | flush at SIGTERM: %s%n%n", flush);
                return flush;
            }
        }
    }

    /**
     * JVM uptime in ms at the first delivery, with {@value #WAITING_RECORDS} records waiting: ours, then the KCL (-1
     * when {@code kcl} is false).
     */
    static long[] startUp(boolean kcl) {
        try (Kinesalite kinesalite = new Kinesalite(false); Dynalite dynalite = new Dynalite()) {
            kinesalite.start();
            dynalite.start();
            String stream = AppRuns.stream(kinesalite, "start");
            byte[] data = io.quarkiverse.messaging.kinesis.benchmark.app.Payload.create(0, false);
            for (int sent = 0; sent < WAITING_RECORDS; sent += 500) {
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    entries.add(PutRecordsRequestEntry.builder().partitionKey(EndToEnd.randomKey())
                            .data(SdkBytes.fromByteArray(data)).build());
                }
                kinesalite.client().putRecords(request -> request.streamName(stream).records(entries)).join();
            }
            Map<String, String> ours = AppRuns.appProperties(kinesalite.endpoint(), stream);
            ours.put("bench.mode", "consume");
            ours.put("mp.messaging.outgoing.out.enabled", "false");
            long oursUptime = firstUptime(ChildJvm.app("start-ours", ours));
            if (!kcl) {
                System.out.printf("%n>>> app | JVM uptime at the first record: ours %d ms%n%n", oursUptime);
                return new long[] { oursUptime, -1 };
            }
            Map<String, String> reference = new HashMap<>(Map.of("bench.mode", "kcl", "bench.stream", stream,
                    "bench.endpoint", kinesalite.endpoint().toString(), "bench.dynamo", dynalite.endpoint().toString(),
                    "bench.position", "TRIM_HORIZON"));
            long kclUptime = firstUptime(ChildJvm.reference("start-kcl", reference));
            System.out.printf("%n>>> app | JVM uptime at the first record: ours %d ms, KCL %d ms%n%n", oursUptime,
                    kclUptime);
            return new long[] { oursUptime, kclUptime };
        }
    }

    private static long firstUptime(ChildJvm consumer) {
        try (consumer) {
            long uptime = AppRuns.longOf(consumer.await("FIRST", Duration.ofMinutes(2)), "uptime_ms");
            consumer.command("report");
            consumer.exit();
            return uptime;
        }
    }
}
