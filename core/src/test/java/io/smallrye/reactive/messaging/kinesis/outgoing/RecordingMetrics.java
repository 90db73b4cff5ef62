package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Sums what a channel reports to its metrics, for the tests. */
final class RecordingMetrics implements KinesisMetrics {

    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failedRequests = new AtomicInteger();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final AtomicInteger sent = new AtomicInteger();
    final AtomicLong sentBytes = new AtomicLong();
    final AtomicInteger retried = new AtomicInteger();
    final AtomicInteger throttled = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    /** The Vert.x context each answer was reported on (null: none), in order. */
    final List<Context> answerContexts = new CopyOnWriteArrayList<>();

    @Override
    public void putRecordsAnswered(String channel, String stream, int entries, long latencyNanos,
            boolean requestFailed) {
        answerContexts.add(Vertx.currentContext());
        requests.incrementAndGet();
        if (requestFailed) {
            failedRequests.incrementAndGet();
        }
        batchSizes.add(entries);
    }

    @Override
    public void recordsSent(String channel, String stream, int records, long bytes) {
        sent.addAndGet(records);
        sentBytes.addAndGet(bytes);
    }

    @Override
    public void recordsRetried(String channel, String stream, int records, int throttledRecords) {
        retried.addAndGet(records);
        throttled.addAndGet(throttledRecords);
    }

    @Override
    public void recordsFailed(String channel, String stream, int records) {
        failed.addAndGet(records);
    }
}
