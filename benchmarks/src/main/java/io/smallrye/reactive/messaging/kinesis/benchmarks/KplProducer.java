package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;

import io.quarkiverse.messaging.kinesis.benchmark.app.Payload;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.UserRecordResult;

/**
 * The KPL 1.1.1 with its default configuration (aggregation on, RecordMaxBufferedTime 100 ms, RateLimit 150 %), but
 * what an emulator needs: its endpoint (HTTPS, the KPL speaks nothing else; certificate not checked), static
 * credentials and metrics off (no CloudWatch). At most 10,000 records outstanding, checked before every 64 adds as its
 * documentation advises (it queues whatever it is given).
 */
final class KplProducer {

    static final int MAX_OUTSTANDING = 10_000;

    private KplProducer() {
    }

    /** @param afterLastAck run once every record is acked or failed, before the KPL and its daemon are shut down */
    static String send(int tlsPort, String stream, int records, int keys, Runnable afterLastAck) {
        KinesisProducerConfiguration config = new KinesisProducerConfiguration()
                .setRegion(KinesisMock.REGION)
                .setKinesisEndpoint("localhost")
                .setKinesisPort(tlsPort)
                .setVerifyCertificate(false)
                .setCredentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(KinesisMock.ACCESS_KEY_ID, KinesisMock.SECRET_ACCESS_KEY)))
                .setMetricsLevel("none");
        KinesisProducer producer = new KinesisProducer(config);
        LongAdder acked = new LongAdder();
        LongAdder failed = new LongAdder();
        String[] firstFailure = new String[1];
        FutureCallback<UserRecordResult> callback = new FutureCallback<>() {
            @Override
            public void onSuccess(UserRecordResult result) {
                (result.isSuccessful() ? acked : failed).increment();
            }

            @Override
            public void onFailure(Throwable t) {
                if (firstFailure[0] == null) {
                    firstFailure[0] = String.valueOf(t).replace(' ', '_');
                }
                failed.increment();
            }
        };
        long start = System.nanoTime();
        try {
            int i = 0;
            while (i < records) {
                if (producer.getOutstandingRecordsCount() >= MAX_OUTSTANDING) {
                    LockSupport.parkNanos(20_000);
                    continue;
                }
                for (int n = 0; n < 64 && i < records; n++, i++) {
                    String key = keys > 0 ? "k" + (i % keys) : EndToEnd.randomKey();
                    Futures.addCallback(
                            producer.addUserRecord(stream, key, ByteBuffer.wrap(Payload.create(Payload.nowMicros(), false))),
                            callback,
                            MoreExecutors.directExecutor());
                }
            }
            producer.flushSync();
            while (acked.sum() + failed.sum() < records) {
                LockSupport.parkNanos(1_000_000);
            }
            afterLastAck.run();
            return String.format(Locale.ROOT, "sent=%d acked=%d nacked=%d seconds=%.3f failure=%s", records,
                    acked.sum(), failed.sum(), (System.nanoTime() - start) / 1e9, firstFailure[0]);
        } finally {
            producer.destroy();
        }
    }
}
