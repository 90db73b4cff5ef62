package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.UserRecordResult;

/**
 * Producer throughput against an emulator: each client writes 100-byte records with random partition keys to a fresh
 * stream of {@value #SHARDS} shards as fast as it accepts them, for a warm-up and then the measured period; the figure
 * is user records acknowledged (successfully) per second during the measured period.
 * <p>
 * Each producer keeps at most {@value #MAX_OUTSTANDING} records unacknowledged (the connector's default
 * max-buffered-records, the KPL's outstanding records checked the way its documentation advises, the SDK loop's
 * requests in flight times 500), and the senders wait without spinning when they may not send: the emulator and the
 * clients' I/O threads share the machine's cores with them.
 */
final class EndToEnd {

    static final int SHARDS = 4;
    static final int RECORD_BYTES = 100;
    static final int MAX_OUTSTANDING = 10_000;
    private static final int SDK_IN_FLIGHT = 5;
    /** A client failing this many records stops early (the KPL fails records fast and its futures fill the heap). */
    private static final long MAX_FAILURES = 100_000;
    private static final AtomicInteger STREAMS = new AtomicInteger();

    record Result(String emulator, String client, long acked, long failed, double seconds, String note) {
        double perSecond() {
            return seconds == 0 ? 0 : acked / seconds;
        }
    }

    private final java.util.function.Supplier<Target> targets;
    private final String emulator;
    private Target target;
    private final Duration warmUp;
    private final Duration measured;
    private final byte[] payload = new byte[RECORD_BYTES];

    /**
     * @param targets starts a fresh emulator: each client gets its own, so none inherits a stream store grown by the
     *        previous one (kinesis-mock slows down as it grows), nor a crash (kinesalite exits when a client aborts a
     *        request)
     */
    EndToEnd(String emulator, java.util.function.Supplier<Target> targets, Duration warmUp, Duration measured) {
        this.emulator = emulator;
        this.targets = targets;
        this.warmUp = warmUp;
        this.measured = measured;
        ThreadLocalRandom.current().nextBytes(payload);
    }

    /** Runs one client against a fresh emulator. */
    Result run(java.util.function.Function<EndToEnd, Result> client) {
        target = targets.get();
        try {
            return client.apply(this);
        } finally {
            target.close();
            target = null;
        }
    }

    String emulator() {
        return emulator;
    }

    private String newStream(String client) {
        String stream = "bench-" + client + "-" + STREAMS.incrementAndGet();
        target.createStream(stream, SHARDS);
        return stream;
    }

    /** Counts acks during the measured period only. */
    private final class Window {
        final long startNanos = System.nanoTime() + warmUp.toNanos();
        final long endNanos = startNanos + measured.toNanos();
        long ackedAtStart = -1;
        long failedAtStart;
        long lastAcked;
        long lastFailed;
        long lastNanos;

        /** @return false once the measured period is over */
        boolean tick(LongAdder acked, LongAdder failed) {
            long now = System.nanoTime();
            lastAcked = acked.sum();
            lastFailed = failed.sum();
            lastNanos = now;
            if (ackedAtStart < 0 && now - startNanos >= 0) {
                ackedAtStart = lastAcked;
                failedAtStart = lastFailed;
            }
            return now - endNanos < 0;
        }

        Result result(String client, String note) {
            if (ackedAtStart < 0) {
                // stopped during the warm-up (too many failures)
                return new Result(emulator, client, 0, lastFailed, 0, note + "; STOPPED EARLY: records failing");
            }
            double seconds = Math.min(lastNanos - startNanos, endNanos - startNanos) / 1e9;
            boolean early = lastNanos - endNanos < 0;
            return new Result(emulator, client, lastAcked - ackedAtStart, lastFailed - failedAtStart, seconds,
                    early ? note + "; STOPPED EARLY: records failing" : note);
        }
    }

    /** The connector through an Emitter in a Weld container, default settings but aggregation. */
    Result ours(boolean aggregation) {
        String stream = newStream(aggregation ? "ours-agg" : "ours");
        try (KinesisAsyncClient client = target.newClient()) {
            // shutdown-timeout: at the end, every request in flight is answered before the client closes (an
            // aborted request makes kinesalite exit)
            WeldApp app = new WeldApp(client, Map.of("stream", stream, "aggregation", String.valueOf(aggregation),
                    "shutdown-timeout", "60s"));
            try {
                Window window = new Window();
                int i = 0;
                while ((++i & 63) != 0 || window.tick(app.acked, app.nacked)) {
                    if (!app.trySend(payload)) {
                        LockSupport.parkNanos(20_000);
                    }
                }
                return window.result(aggregation ? "smallrye-kinesis, aggregation" : "smallrye-kinesis, no aggregation",
                        "Emitter, max-buffered-records " + MAX_OUTSTANDING + ", max-in-flight 5, buffer-time 500ms");
            } finally {
                app.close();
            }
        }
    }

    /** The KPL 1.1.1 with aggregation (its default), rate limit lifted (see README). */
    Result kpl() {
        String stream = newStream("kpl");
        KinesisProducerConfiguration config = new KinesisProducerConfiguration()
                .setRegion(KinesisMock.REGION)
                .setKinesisEndpoint("localhost")
                .setKinesisPort(target.tlsPort())
                .setVerifyCertificate(false)
                .setCredentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(KinesisMock.ACCESS_KEY_ID, KinesisMock.SECRET_ACCESS_KEY)))
                .setMetricsLevel("none")
                .setLogLevel("warning")
                .setAggregationEnabled(true)
                // kinesis-mock, a JavaScript server on a loaded machine, may take seconds to accept a TLS connection
                .setConnectTimeout(30_000)
                .setRequestTimeout(60_000)
                // the emulators have no shard limits and our connector has no client-side rate limit either
                .setRateLimit(Long.MAX_VALUE);
        KinesisProducer producer = new KinesisProducer(config);
        LongAdder acked = new LongAdder();
        LongAdder failed = new LongAdder();
        FutureCallback<UserRecordResult> callback = new FutureCallback<>() {
            @Override
            public void onSuccess(UserRecordResult result) {
                if (result.isSuccessful()) {
                    acked.increment();
                } else {
                    failed.increment();
                }
            }

            @Override
            public void onFailure(Throwable t) {
                if (failed.sum() == 0) {
                    String attempts = t instanceof software.amazon.kinesis.producer.UserRecordFailedException e
                            ? e.getResult().getAttempts().stream()
                                    .map(a -> a.getErrorCode() + ": " + a.getErrorMessage()).toList().toString()
                            : "";
                    System.err.println("KPL: record failed: " + t + " " + attempts);
                }
                failed.increment();
            }
        };
        try {
            Window window = new Window();
            while (window.tick(acked, failed) && failed.sum() < MAX_FAILURES) {
                // never more than MAX_OUTSTANDING records in the KPL: it queues whatever it is given, without bound
                long room = MAX_OUTSTANDING - producer.getOutstandingRecordsCount();
                if (room <= 0) {
                    LockSupport.parkNanos(20_000);
                    continue;
                }
                for (long n = Math.min(64, room); n > 0; n--) {
                    ListenableFuture<UserRecordResult> future = producer.addUserRecord(stream, randomKey(),
                            ByteBuffer.wrap(payload));
                    Futures.addCallback(future, callback, MoreExecutors.directExecutor());
                }
            }
            return window.result("KPL 1.1.1, aggregation",
                    "outstanding records <= " + MAX_OUTSTANDING + ", RecordMaxBufferedTime 100ms, RateLimit lifted");
        } finally {
            // answers for everything outstanding first: destroy() kills the native process, aborting its requests
            producer.flushSync();
            producer.destroy();
        }
    }

    /** A plain SDK loop: PutRecords of 500 records, {@value #SDK_IN_FLIGHT} requests in flight, no retries. */
    Result sdkLoop() {
        String stream = newStream("sdk");
        try (KinesisAsyncClient client = target.newClient()) {
            LongAdder acked = new LongAdder();
            LongAdder failed = new LongAdder();
            Semaphore inFlight = new Semaphore(SDK_IN_FLIGHT);
            SdkBytes data = SdkBytes.fromByteArrayUnsafe(payload);
            Window window = new Window();
            while (window.tick(acked, failed) && failed.sum() < MAX_FAILURES) {
                if (!inFlight.tryAcquire()) {
                    LockSupport.parkNanos(20_000);
                    continue;
                }
                List<PutRecordsRequestEntry> entries = new ArrayList<>(500);
                for (int i = 0; i < 500; i++) {
                    entries.add(PutRecordsRequestEntry.builder().partitionKey(randomKey()).data(data).build());
                }
                client.putRecords(PutRecordsRequest.builder().streamName(stream).records(entries).build())
                        .whenComplete((response, failure) -> {
                            if (failure != null) {
                                if (failed.sum() == 0) {
                                    System.err.println("SDK loop: PutRecords failed: " + failure);
                                }
                                failed.add(500);
                            } else {
                                for (PutRecordsResultEntry entry : response.records()) {
                                    if (entry.errorCode() == null) {
                                        acked.increment();
                                    } else {
                                        if (failed.sum() == 0) {
                                            System.err.println("SDK loop: entry refused: " + entry.errorCode()
                                                    + " " + entry.errorMessage());
                                        }
                                        failed.increment();
                                    }
                                }
                            }
                            inFlight.release();
                        });
            }
            // let the requests in flight end before the client closes
            inFlight.tryAcquire(SDK_IN_FLIGHT, 10, TimeUnit.SECONDS);
            return window.result("AWS SDK PutRecords loop",
                    "500 records per request, " + SDK_IN_FLIGHT + " requests in flight");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String randomKey() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }
}
