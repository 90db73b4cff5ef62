package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayList;
import java.util.List;

import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.inspect.ChannelSnapshot;
import io.smallrye.reactive.messaging.kinesis.inspect.ShardSnapshot;

/**
 * What an incoming channel says of itself: its startup, readiness and liveness for health, from the
 * {@link ChannelStatus} snapshot the channel context published last (read from any thread, without waiting), and its
 * {@link ChannelSnapshot} for tools, made on the channel context.
 */
final class ChannelReports {

    private final IncomingSettings settings;
    private final String region;
    /** One per stream read, in the configured order. */
    private final List<StreamReading> streams;
    private final ChannelStatus status;

    ChannelReports(IncomingSettings settings, String region, List<StreamReading> streams, ChannelStatus status) {
        this.settings = settings;
        this.region = region;
        this.streams = streams;
        this.status = status;
    }

    /** Ready while reading works: down when failed or closed, before reading started, or while reading goes wrong. */
    void readiness(HealthReport.HealthReportBuilder builder) {
        if (!settings.healthEnabled()) {
            return;
        }
        ChannelStatus.Snapshot now = status.current();
        Throwable failed = now.failure();
        if (failed != null) {
            builder.add(settings.channel(), false, String.valueOf(failed.getMessage()));
        } else if (now.closed()) {
            builder.add(settings.channel(), false, "closed");
        } else if (!now.started()) {
            String problem = now.startProblem();
            List<String> readerProblems = now.problems();
            builder.add(settings.channel(), false, problem != null ? problem
                    : !readerProblems.isEmpty() ? String.join("; ", readerProblems)
                            : "listing the shards of stream '" + streamsText() + "' (region " + region + ")");
        } else {
            List<String> problems = new ArrayList<>(now.problems());
            streams.forEach(one -> problems.addAll(one.store().problems()));
            builder.add(settings.channel(), problems.isEmpty(), problems.isEmpty() ? null : String.join("; ", problems));
        }
    }

    /** Started once the channel is attached: see {@link KinesisInboundChannel#reportStartup}. */
    void startup(HealthReport.HealthReportBuilder builder) {
        if (!settings.healthEnabled()) {
            return;
        }
        ChannelStatus.Snapshot now = status.current();
        if (now.subscribed() && now.listed()) {
            builder.add(settings.channel(), true);
        } else if (now.failure() != null) {
            builder.add(settings.channel(), false, String.valueOf(now.failure().getMessage()));
        } else if (now.closed()) {
            builder.add(settings.channel(), false, "closed before it started");
        } else if (!now.subscribed()) {
            builder.add(settings.channel(), false, "waiting for the application to subscribe to the channel");
        } else {
            String problem = now.startProblem();
            builder.add(settings.channel(), false, "waiting for the first listing of the shards of stream '"
                    + streamsText() + "' (region " + region + ")" + (problem == null ? "" : ": " + problem));
        }
    }

    /** Alive unless the channel failed. */
    void liveness(HealthReport.HealthReportBuilder builder) {
        if (settings.healthEnabled()) {
            Throwable failed = status.current().failure();
            builder.add(settings.channel(), failed == null, failed == null ? null : String.valueOf(failed.getMessage()));
        }
    }

    /**
     * What the channel and its shard readers show now. Channel context only.
     *
     * @param failure the failure that stopped the channel; null while it runs
     * @param subscribed whether the channel's stream was subscribed
     */
    ChannelSnapshot snapshot(Throwable failure, boolean subscribed) {
        ChannelStatus.Snapshot now = status.current();
        String state;
        String problem = null;
        if (failure != null) {
            state = "failed";
            problem = AwsErrors.summary(failure);
        } else if (now.closed()) {
            state = "closed";
        } else if (!subscribed) {
            state = "waiting-for-subscription";
        } else if (!now.listed()) {
            state = "starting";
            problem = now.startProblem();
        } else {
            state = "running";
        }
        List<ShardSnapshot> shards = new ArrayList<>();
        streams.forEach(one -> shards.addAll(one.supervisor().snapshots()));
        if (problem == null && !now.problems().isEmpty() && streams.size() > 1) {
            problem = String.join("; ", now.problems()); // e.g. a stream deleted while the others are read
        }
        return new ChannelSnapshot(settings.channel(), streamsText(), state, problem, shards);
    }

    /** The streams read, for messages: one name, or the list. */
    private String streamsText() {
        return String.join(", ", settings.streams());
    }
}
