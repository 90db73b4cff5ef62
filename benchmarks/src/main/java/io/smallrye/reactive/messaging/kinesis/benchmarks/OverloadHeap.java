package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The producer's heap under sustained overload: an Emitter offers 1 KiB records far faster than the emulator stores
 * them, respecting the channel's demand, for a while; every second a full GC runs and the live heap is read. The
 * channel should hold at most max-buffered-bytes of records (plus what the SDK holds for the requests in flight).
 */
final class OverloadHeap {

    static final int RECORD_BYTES = 1024;
    static final long MAX_BUFFERED_BYTES = 8L * 1024 * 1024;

    record Result(String emulator, long bufferBoundBytes, long baselineBytes, long maxLiveBytes, long acked,
            double seconds, java.util.List<Long> samples) {
        long growth() {
            return maxLiveBytes - baselineBytes;
        }
    }

    private OverloadHeap() {
    }

    static Result run(Target target, Duration duration) {
        String stream = "bench-overload";
        target.createStream(stream, EndToEnd.SHARDS);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        byte[] payload = new byte[RECORD_BYTES];
        ThreadLocalRandom.current().nextBytes(payload);
        try (KinesisAsyncClient client = target.newClient()) {
            WeldApp app = new WeldApp(client, Map.of("stream", stream, "max-buffered-bytes",
                    String.valueOf(MAX_BUFFERED_BYTES), "max-buffered-records", "1000000", "shutdown-timeout", "60s"));
            try {
                long baseline = liveHeap(memory);
                long max = baseline;
                java.util.List<Long> samples = new java.util.ArrayList<>();
                long start = System.nanoTime();
                long end = start + duration.toNanos();
                long nextSample = start + 1_000_000_000L;
                int i = 0;
                while (true) {
                    if ((++i & 63) == 0) {
                        long now = System.nanoTime();
                        if (now - end >= 0) {
                            break;
                        }
                        if (now - nextSample >= 0) {
                            long live = liveHeap(memory);
                            samples.add(live);
                            max = Math.max(max, live);
                            nextSample = System.nanoTime() + 1_000_000_000L;
                        }
                    }
                    if (!app.trySend(payload)) {
                        LockSupport.parkNanos(20_000);
                    }
                }
                long live = liveHeap(memory);
                samples.add(live);
                max = Math.max(max, live);
                return new Result(target.name(), MAX_BUFFERED_BYTES, baseline, max, app.acked.sum(),
                        duration.toNanos() / 1e9, samples);
            } finally {
                app.close();
            }
        }
    }

    private static long liveHeap(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
