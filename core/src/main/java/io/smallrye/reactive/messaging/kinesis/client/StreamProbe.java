package io.smallrye.reactive.messaging.kinesis.client;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Checks now and then that a channel's stream is reachable, for readiness: one DescribeStreamSummary per interval (a
 * control-plane call, limited by AWS to 20 per second per account, hence the interval of seconds). An outgoing
 * channel otherwise learns that its stream is gone or unreachable only when a send fails, which an idle channel never
 * does. At most one probe is under way at a time; each has a timeout of at most the interval. A failed probe is not
 * retried before the next interval (the connector's clients make one attempt per call); a throttled one leaves the
 * last verdict as it was.
 */
public final class StreamProbe implements AutoCloseable {

    private static final Duration MAX_CALL_TIMEOUT = Duration.ofSeconds(5);

    private final KinesisAsyncClient client;
    private final String channel;
    private final StreamRef stream;
    private final Duration interval;
    private final Duration callTimeout;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile String problem;
    private volatile ScheduledFuture<?> task;

    public StreamProbe(KinesisAsyncClient client, String channel, String stream, Duration interval) {
        this.client = client;
        this.channel = channel;
        this.stream = new StreamRef(stream);
        this.interval = interval;
        this.callTimeout = interval.compareTo(MAX_CALL_TIMEOUT) < 0 ? interval : MAX_CALL_TIMEOUT;
    }

    /** Probes at once, then every interval. */
    public StreamProbe start(ScheduledExecutorService scheduler) {
        task = scheduler.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Why the stream is not usable according to the last probe; {@code null} when it was (or before the first). */
    public String problem() {
        return problem;
    }

    void probe() {
        if (!inFlight.compareAndSet(false, true)) {
            return;
        }
        DescribeStreamSummaryRequest.Builder request = DescribeStreamSummaryRequest.builder()
                .overrideConfiguration(c -> c.apiCallTimeout(callTimeout))
                .streamName(stream.name()).streamARN(stream.arn());
        try {
            client.describeStreamSummary(request.build()).whenComplete((response, failure) -> {
                inFlight.set(false);
                if (failure != null) {
                    // the probe's retry is its next run (its client makes one attempt per call); a throttled probe
                    // says nothing about the stream, so the last verdict stands
                    if (AwsErrors.classify(failure) != FailureKind.THROTTLED) {
                        report("stream '" + stream + "' is not reachable: " + AwsErrors.summary(failure));
                    }
                } else {
                    StreamStatus status = response.streamDescriptionSummary().streamStatus();
                    report(status == StreamStatus.ACTIVE || status == StreamStatus.UPDATING ? null
                            : "stream '" + stream + "' is " + status);
                }
            });
        } catch (RuntimeException e) {
            inFlight.set(false);
            report("stream '" + stream + "' is not reachable: " + e);
        }
    }

    private void report(String found) {
        if (found != null && !found.equals(problem)) {
            KinesisLogging.log.streamUnreachable(channel, stream.value(), found);
        }
        problem = found;
    }

    @Override
    public void close() {
        ScheduledFuture<?> current = task;
        if (current != null) {
            current.cancel(false);
        }
    }
}
