package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;

import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.config.AttributeValidator;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;

/**
 * The validated lease settings of one incoming channel. With {@code gracefulHandOff}, a lease stolen for balance is
 * handed over: the holder stops reading, waits up to {@code handOffTimeout} for the records in flight, writes its last
 * checkpoint, and only then the new holder reads ({@link LeaseHandOffs}). Holders renew every third of the failover time, so a
 * lease
 * survives two lost renewals; nodes look for leases to take every half of it. Leases of finished shards are cleaned
 * every {@code cleanupInterval}, leases of shards gone from the stream every {@code garbageCleanupInterval}
 * ({@link LeaseCleaner}). With {@code multiStream} (the channel reads {@code streams}), lease keys take the KCL's
 * multi-stream format ({@link LeaseKeys}).
 */
record LeaseSettings(String channel, String stream, String tableName, String workerId, Duration failoverTime,
        boolean provisioned, long capacity, String initialCheckpoint, boolean cleanupEnabled, Duration cleanupInterval,
        Duration garbageCleanupInterval, boolean gracefulHandOff, Duration handOffTimeout, boolean multiStream) {

    /** The KCL's defaults (completed and garbage lease clean-up intervals of its LeaseManagementConfig). */
    static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofMinutes(5);
    static final Duration DEFAULT_GARBAGE_CLEANUP_INTERVAL = Duration.ofMinutes(30);
    /** The KCL's default (gracefulLeaseHandoffTimeoutMillis of its GracefulLeaseHandoffConfig). */
    static final Duration DEFAULT_HAND_OFF_TIMEOUT = Duration.ofSeconds(30);

    /** Settings with the default lease clean-up and hand-off. */
    LeaseSettings(String channel, String stream, String tableName, String workerId, Duration failoverTime,
            boolean provisioned, long capacity, String initialCheckpoint) {
        this(channel, stream, tableName, workerId, failoverTime, provisioned, capacity, initialCheckpoint, true,
                DEFAULT_CLEANUP_INTERVAL, DEFAULT_GARBAGE_CLEANUP_INTERVAL, true, DEFAULT_HAND_OFF_TIMEOUT, false);
    }

    /** DynamoDB table names: 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'. */
    private static final String TABLE_NAME = "[a-zA-Z0-9_.-]{3,255}";

    static LeaseSettings from(KinesisConnectorIncomingConfiguration conf, String stream) {
        String channel = conf.getChannel();
        AttributeValidator check = new AttributeValidator(channel);
        String table = conf.getApplicationName().orElse(channel);
        if (!table.matches(TABLE_NAME)) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "application-name", table,
                    "a DynamoDB table name: 3 to 255 characters among a-z, A-Z, 0-9, '_', '-' and '.'");
        }
        Duration failover = check.positiveDuration("failover-time", conf.getFailoverTime());
        if (failover.toMillis() < 300) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "failover-time", conf.getFailoverTime(),
                    "a duration of at least 300ms");
        }
        String billing = conf.getLeaseTableBillingMode().trim().toLowerCase(java.util.Locale.ROOT);
        if (!billing.equals("pay_per_request") && !billing.equals("provisioned")) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "lease-table-billing-mode",
                    conf.getLeaseTableBillingMode(), "pay_per_request, provisioned");
        }
        long capacity = conf.getLeaseTableCapacity();
        if (capacity < 1) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "lease-table-capacity", String.valueOf(capacity),
                    "a number of capacity units of at least 1");
        }
        String worker = conf.getWorkerId().map(String::trim).orElseGet(LeaseSettings::defaultWorkerId);
        if (worker.isEmpty()) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "worker-id", "", "a non-empty name, unique per node");
        }
        Duration cleanup = check.positiveDuration("lease-cleanup-interval", conf.getLeaseCleanupInterval());
        Duration garbage = check.positiveDuration("garbage-lease-cleanup-interval",
                conf.getGarbageLeaseCleanupInterval());
        Duration handOff = check.positiveDuration("lease-handoff-timeout", conf.getLeaseHandoffTimeout());
        return new LeaseSettings(channel, stream, table, worker, failover, billing.equals("provisioned"), capacity,
                initialCheckpoint(conf.getStartingPosition()), conf.getLeaseCleanupEnabled(), cleanup, garbage,
                conf.getLeaseGracefulHandoff(), handOff, conf.getStreams().isPresent());
    }

    /** The checkpoint of a new lease: the channel's starting position, as the KCL writes it. */
    private static String initialCheckpoint(String startingPosition) {
        return switch (startingPosition.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "trim_horizon" -> Lease.TRIM_HORIZON;
            case "at_timestamp" -> Lease.AT_TIMESTAMP;
            default -> Lease.LATEST;
        };
    }

    Duration renewInterval() {
        return failoverTime.dividedBy(3);
    }

    Duration takeInterval() {
        return failoverTime.dividedBy(2);
    }

    /**
     * How long a holder keeps reading a shard after its last successful write when it cannot reach the table: two
     * thirds of the failover time (two renewals missed), so that it stops before any other node, whose watch of the
     * lease starts no earlier than that write, can judge the lease expired.
     */
    Duration holdWithoutRenewal() {
        return failoverTime.minus(renewInterval());
    }

    /**
     * How long a node waits after stealing a lease before it reads the shard: a renewal period and a half, the time the
     * former holder needs to find out at its next renewal and stop its reader.
     */
    Duration stealHandOver() {
        return renewInterval().plus(renewInterval().dividedBy(2));
    }

    /** How often held leases are checked for {@link #holdWithoutRenewal()}: a tenth of the failover time. */
    Duration giveUpCheckInterval() {
        return failoverTime.dividedBy(10);
    }

    /**
     * How long a worker that marked a lease for a hand-off waits for the holder before it takes the lease anyway: the
     * holder's own time limit, a renewal period for its last write, and the failover time (a holder that does not know
     * the mark, e.g. a KCL 2.x worker, keeps renewing and never hands over).
     */
    Duration handOffGiveUp() {
        return handOffTimeout.plus(renewInterval()).plus(failoverTime);
    }

    /** A copy with other lease clean-up settings. */
    LeaseSettings withCleanup(boolean enabled, Duration interval, Duration garbageInterval) {
        return new LeaseSettings(channel, stream, tableName, workerId, failoverTime, provisioned, capacity,
                initialCheckpoint, enabled, interval, garbageInterval, gracefulHandOff, handOffTimeout, multiStream);
    }

    /** A copy with other hand-off settings. */
    LeaseSettings withHandOff(boolean enabled, Duration timeout) {
        return new LeaseSettings(channel, stream, tableName, workerId, failoverTime, provisioned, capacity,
                initialCheckpoint, cleanupEnabled, cleanupInterval, garbageCleanupInterval, enabled, timeout, multiStream);
    }

    /** A copy for a channel of several streams ({@code streams}): multi-stream lease keys. */
    LeaseSettings withMultiStream(boolean enabled) {
        return new LeaseSettings(channel, stream, tableName, workerId, failoverTime, provisioned, capacity,
                initialCheckpoint, cleanupEnabled, cleanupInterval, garbageCleanupInterval, gracefulHandOff,
                handOffTimeout, enabled);
    }

    private static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "worker";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
