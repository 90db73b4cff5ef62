package io.smallrye.reactive.messaging.kinesis.client;

import java.time.Duration;

import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Checks now and then that a channel's stream is reachable, for readiness: one DescribeStreamSummary per interval (a
 * control-plane call, limited by AWS to 20 per second per account, hence the interval of seconds). An outgoing
 * channel otherwise learns that its stream is gone or unreachable only when a send fails, which an idle channel never
 * does. At most one probe is under way at a time: each call times out after 5 s, whatever the interval (a short interval
 * must not turn a slow answer into "not reachable"), and a run that finds the previous call still under way is skipped.
 * A failed probe is not retried before the next interval (the connector's clients make one attempt per call); a
 * throttled one leaves the last verdict as it was. The probe runs on a Vert.x context of its own (its interval is a context
 * timer, its answers
 * hop onto it); health checks read its last finding from any thread.
 */
public final class StreamProbe implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final KinesisAsyncClient client;
    private final String channel;
    private final StreamRef stream;
    private final Duration interval;
    private ChannelContext context;
    /** On the context. */
    private boolean inFlight;
    private boolean closed;
    private long timerId = -1;
    private volatile String problem;

    public StreamProbe(KinesisAsyncClient client, String channel, String stream, Duration interval) {
        this.client = client;
        this.channel = channel;
        this.stream = new StreamRef(stream);
        this.interval = interval;
    }

    /** Probes at once, then every interval, on a context of its own from {@code vertx}. */
    public StreamProbe start(Vertx vertx) {
        attach(vertx);
        context.submit(this::tick);
        return this;
    }

    /**
     * Probes after one interval, then every interval. For an incoming channel: its start describes the stream itself
     * and the channel is not ready before it has listed the shards, so a probe at once would only duplicate that call
     * and compete with it (and with the first reads) for the client.
     */
    public StreamProbe startAfterInterval(Vertx vertx) {
        attach(vertx);
        context.submit(() -> {
            if (!closed) {
                timerId = context.setTimer(interval.toMillis(), this::tick);
            }
        });
        return this;
    }

    /** Gives the probe its context without starting the periodic probes (tests drive it with {@link #probeOnce}). */
    StreamProbe attach(Vertx vertx) {
        context = new ChannelContext(channel, vertx);
        return this;
    }

    /** Runs one probe on the context; returns the verdict read there after it (an answer already at hand is in it). */
    String probeOnce() {
        return context.read("stream probe", () -> {
            probe();
            return problem;
        });
    }

    private void tick() {
        if (closed) {
            return;
        }
        probe();
        timerId = context.setTimer(interval.toMillis(), this::tick);
    }

    /** Why the stream is not usable according to the last probe; {@code null} when it was (or before the first). */
    public String problem() {
        return problem;
    }

    /** On the context. */
    private void probe() {
        if (inFlight) {
            return;
        }
        inFlight = true;
        DescribeStreamSummaryRequest.Builder request = DescribeStreamSummaryRequest.builder()
                .overrideConfiguration(c -> c.apiCallTimeout(CALL_TIMEOUT))
                .streamName(stream.name()).streamARN(stream.arn());
        try {
            client.describeStreamSummary(request.build())
                    .whenComplete((response, failure) -> context.execute(() -> answered(response, failure)));
        } catch (RuntimeException e) {
            inFlight = false;
            report("stream '" + stream + "' is not reachable: " + e);
        }
    }

    private void answered(DescribeStreamSummaryResponse response, Throwable failure) {
        inFlight = false;
        if (failure != null) {
            // the probe's retry is its next run (its client makes one attempt per call); a throttled probe says
            // nothing about the stream, so the last verdict stands
            if (AwsErrors.classify(failure) != FailureKind.THROTTLED) {
                report("stream '" + stream + "' is not reachable: " + AwsErrors.summary(failure));
            }
        } else {
            StreamStatus status = response.streamDescriptionSummary().streamStatus();
            report(status == StreamStatus.ACTIVE || status == StreamStatus.UPDATING ? null
                    : "stream '" + stream + "' is " + status);
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
        if (context != null) {
            context.execute(() -> {
                closed = true;
                if (timerId != -1) {
                    context.cancelTimer(timerId);
                }
            });
        }
    }
}
